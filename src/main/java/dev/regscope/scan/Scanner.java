package dev.regscope.scan;

import dev.regscope.core.BlobCensus;
import dev.regscope.core.Damage;
import dev.regscope.hygiene.GarbageCollection;
import dev.regscope.hygiene.RepositoryRefs;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.ScanFailure;
import dev.regscope.model.ScanProblem;
import dev.regscope.model.Snapshot;
import dev.regscope.model.UploadStats;
import dev.regscope.storage.BlobCensusReader;
import dev.regscope.storage.StorageLayout;
import dev.regscope.storage.TreeReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Walks a registry tree once and produces a {@link Snapshot}. Keeps a {@link ManifestCache} between
 * scans, so a rescan parses only manifests it has not seen before, and reuses blob prefix folders
 * whose mtime did not move; every {@code fullRescanInterval} it trusts neither and checks every one
 * again. One scan at a time; each scan reads folders in parallel on its own pool.
 */
public final class Scanner implements ScanSource {
  /** What {@code --full-rescan-interval} defaults to. */
  public static final Duration DEFAULT_FULL_RESCAN = Duration.ofHours(1);

  /** What one scan hands the next: what lets a rescan skip work that did not change. */
  private record Memory(
      BlobCensus census,
      long refsFingerprint,
      GarbageCollection.Result hygiene,
      Map<String, RepositoryStats> repositories,
      Set<String> reportedProblems,
      Map<String, Set<String>> unlinkedBlobs,
      Instant lastFullRescan) {
    static final Memory NONE =
        new Memory(BlobCensus.EMPTY, 0, null, Map.of(), Set.of(), Map.of(), null);
  }

  private final StorageLayout layout;
  private final InFlightReads reader;
  private final Clock clock;
  private final Consumer<ScanProblem> log;
  private final RepositoryFilter filter;
  private final int maxThreads;
  private final ThreadPacing pacing;
  private final Duration fullRescanInterval;
  private final ManifestCache cache = new ManifestCache();
  private final StoragePresence presence = new StoragePresence();
  private final AtomicInteger progress = new AtomicInteger();
  private final AtomicLong linksReadAgain = new AtomicLong();
  private ExecutorService pool;
  private long generation;
  private Memory memory = Memory.NONE;

  /** A scanner of every repository, on one thread. */
  public Scanner(StorageLayout layout, TreeReader reader, Clock clock, Consumer<ScanProblem> log) {
    this(layout, reader, clock, log, 1, RepositoryFilter.ALL);
  }

  public Scanner(
      StorageLayout layout,
      TreeReader reader,
      Clock clock,
      Consumer<ScanProblem> log,
      int threads,
      RepositoryFilter filter) {
    this(layout, reader, clock, log, threads, filter, DEFAULT_FULL_RESCAN);
  }

  /**
   * @param threads folders read in parallel; on network storage each read waits on a round trip, so
   *     more threads than cores pay off there
   * @param filter the repositories whose series are exported; every repository is read, since
   *     garbage collection marks them all
   * @param fullRescanInterval how often a scan checks everything again instead of trusting folder
   *     mtimes (by {@code clock}); zero checks everything every scan
   */
  public Scanner(
      StorageLayout layout,
      TreeReader reader,
      Clock clock,
      Consumer<ScanProblem> log,
      int threads,
      RepositoryFilter filter,
      Duration fullRescanInterval) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1: " + threads);
    }
    if (fullRescanInterval.isNegative()) {
      throw new IllegalArgumentException(
          "the full rescan interval must not be negative: " + fullRescanInterval);
    }
    this.fullRescanInterval = fullRescanInterval;
    this.layout = layout;
    this.reader = new InFlightReads(reader);
    this.clock = clock;
    this.log = log;
    this.filter = filter;
    this.maxThreads = threads;
    this.pacing = new ThreadPacing(threads, Runtime.getRuntime().availableProcessors());
    this.pool = newPool(threads);
  }

  private static ExecutorService newPool(int threads) {
    AtomicInteger count = new AtomicInteger();
    return Executors.newFixedThreadPool(
        threads,
        task -> {
          Thread thread = new Thread(task, "regscope-scan-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
  }

  /**
   * A 64-bit fingerprint of every repository's links (each worked out by the thread that read them)
   * and of the damage met: equal fingerprints mean nothing the collector reads moved.
   */
  private static long fingerprint(
      Collection<RepositoryScanner.Scanned> scanned, Set<String> problems) {
    List<RepositoryScanner.Scanned> byName = new ArrayList<>();
    for (RepositoryScanner.Scanned one : scanned) {
      if (one.refs() != null) {
        byName.add(one);
      }
    }
    byName.sort(Comparator.comparing(one -> one.refs().name()));
    long hash = 1125899906842597L;
    for (RepositoryScanner.Scanned one : byName) {
      hash = 31 * hash + one.fingerprint();
    }
    return 31 * hash + problems.hashCode();
  }

  /**
   * Whether this scan must check everything again: the first scan, and then every {@code
   * fullRescanInterval}. Folder mtimes on shared storage (NFS with attribute caching, a clock
   * skewed from the server's) can show a changed folder as settled; this bounds how long that
   * lasts.
   */
  private boolean isFullRescanDue(Instant lastFullRescan) {
    return lastFullRescan == null
        || !Instant.now(clock).isBefore(lastFullRescan.plus(fullRescanInterval));
  }

  /** Repository folders the running (or last) scan has read so far; for progress displays. */
  @Override
  public int repositoriesScanned() {
    return progress.get();
  }

  @Override
  public Optional<String> reading() {
    return reader.longest().map(InFlightReads.Waiting::toString);
  }

  /**
   * Gives up on the running scan: its result, should it ever come, is dropped, and the next scan
   * runs on fresh threads (the old ones may be stuck in a read that never returns).
   */
  @Override
  public void abandon() {
    ExecutorService old;
    synchronized (this) {
      generation++;
      old = pool;
      pool = newPool(maxThreads);
    }
    old.shutdownNow();
    reader.forgetThreads();
  }

  /** Tag links that looked mid-write and were read again, over every scan of this scanner. */
  long linksReadAgain() {
    return linksReadAgain.get();
  }

  /**
   * Scans the whole tree. Damage becomes problems inside the snapshot; only a tree whose
   * repositories folder cannot be listed at all, or storage that vanished, fails the scan, so the
   * previous snapshot stays in place instead of an empty one.
   */
  @Override
  public Snapshot scan() throws IOException {
    long start = System.nanoTime();
    long myGeneration;
    ExecutorService myPool;
    Memory last;
    synchronized (this) {
      myGeneration = generation;
      myPool = pool;
      last = memory;
    }
    // This scan's reader: the tree as listed now, where it lives in object storage.
    TreeReader reader = this.reader.beginScan();
    presence.check(layout, reader);
    ScanProblems problems = new ScanProblems(last.reportedProblems(), log);
    progress.set(0);
    boolean full = isFullRescanDue(last.lastFullRescan());
    // The real clock, not the injected one: the census is compared with the file system's own
    // timestamps. A full rescan starts from no census, so every prefix folder is listed again.
    BlobCensusReader censusReader =
        new BlobCensusReader(
            layout, reader, full ? BlobCensus.EMPTY : last.census(), Instant.now());
    int threads;
    synchronized (this) {
      // Remote storage makes every read wait on a round trip: a scan of it uses every thread.
      threads =
          reader.remote() ? maxThreads : pacing.threadsForScan(censusReader.averageStatNanos());
    }
    TaskGroup group = new TaskGroup(myPool, threads);
    censusReader.tasks().forEach(group::submit); // the blob census runs beside the walk
    // Null makes the store check every cached manifest's blob on disk.
    Set<String> changedBlobs = full ? null : censusReader.changedPrefixes();
    ManifestStore manifests = new ManifestStore(layout, reader, cache, problems, changedBlobs);
    ImageResolver resolver = new ImageResolver(manifests, manifests, manifests, cache.size());
    LinkReader links = new LinkReader(reader, problems);
    LinkedDigests linked = new LinkedDigests(reader, problems, full, last.unlinkedBlobs());
    RepositoryScanner repositories =
        new RepositoryScanner(
            reader,
            links,
            linked,
            new UploadReader(reader),
            resolver,
            manifests,
            last.repositories());

    Map<Path, RepositoryScanner.Scanned> scanned = new ConcurrentHashMap<>();
    long cpuStart = ProcessCpu.nanos();
    // Every repository is read: the collector marks them all, so a filter picks only what is
    // exported.
    new RepositoryFinder(reader, problems)
        .find(
            layout,
            RepositoryFilter.ALL,
            group,
            repository -> {
              scanned.put(repository.path(), repositories.scan(repository));
              progress.incrementAndGet();
            });
    group.await();
    LinkRereads.run(links, repositories, group, scanned);
    reader.endScan();
    if (!reader.remote()) {
      // A bucket's scan reader answers from the listing made as the scan began, so it cannot tell
      // whether the storage is still there; endScan asked the bucket itself.
      presence.checkStillThere(layout, reader);
    }
    for (Path link : censusReader.symbolicLinks()) {
      problems.add(link, Damage.SYMLINK, "blob store folder is a symbolic link, not followed");
    }
    BlobCensus blobs = censusReader.census();
    long cpuEnd = ProcessCpu.nanos();

    List<RepositoryRefs> refs = new ArrayList<>();
    List<UploadStats> uploads = new ArrayList<>();
    for (RepositoryScanner.Scanned one : scanned.values()) {
      if (one.refs() != null) {
        refs.add(one.refs());
      }
      if (one.uploads() != null && filter.includes(one.uploads().repository())) {
        uploads.add(one.uploads());
      }
    }
    // This scan's view of each manifest, not the cache: a cached summary outlives its deleted blob.
    refs.sort(Comparator.comparing(RepositoryRefs::name));
    // Reachability depends only on the blob store and the links: when neither moved, last scan's
    // answer stands.
    List<ScanProblem> found = problems.all();
    Set<String> keys = new HashSet<>();
    found.forEach(p -> keys.add(ScanProblems.key(p)));
    long fingerprint = fingerprint(scanned.values(), keys);
    GarbageCollection.Result hygiene =
        last.hygiene() != null
                && changedBlobs != null
                && changedBlobs.isEmpty()
                && fingerprint == last.refsFingerprint()
            ? last.hygiene()
            : GarbageCollection.compute(blobs, refs, manifests);
    List<RepositoryStats> stats = new ArrayList<>();
    for (RepositoryScanner.Scanned one : scanned.values()) {
      if (one.stats() != null && filter.includes(one.stats().name())) {
        stats.add(one.stats().withHygiene(hygiene.repositories().get(one.stats().name())));
      }
    }
    stats.sort(Comparator.comparing(RepositoryStats::name));
    uploads.sort(Comparator.comparing(UploadStats::repository));

    Map<String, RepositoryStats> byName = new HashMap<>();
    stats.forEach(r -> byName.put(r.name(), r));
    synchronized (this) {
      if (generation != myGeneration) {
        // Abandoned for running past its deadline, and finished after all: a newer scan owns the
        // state now.
        throw new ScanFailedException(
            ScanFailure.TIMEOUT, "an abandoned scan finished late; its result is dropped");
      }
      pacing.record(
          System.nanoTime() - start, cpuStart < 0 || cpuEnd < 0 ? -1 : cpuEnd - cpuStart, threads);
      cache.retainOnly(manifests.used());
      memory =
          new Memory(
              blobs,
              fingerprint,
              hygiene,
              byName,
              keys,
              linked.unlinked(),
              full ? Instant.now(clock) : last.lastFullRescan());
    }
    linksReadAgain.addAndGet(links.readAgain());
    return new Snapshot(
        Instant.now(clock),
        Duration.ofNanos(System.nanoTime() - start),
        stats,
        found,
        manifests.used().size(),
        hygiene.store(),
        uploads);
  }
}
