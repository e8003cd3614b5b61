package dev.regscope.scan;

import dev.regscope.core.BlobCensus;
import dev.regscope.hygiene.GarbageCollection;
import dev.regscope.hygiene.RepositoryRefs;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.ScanProblem;
import dev.regscope.model.Snapshot;
import dev.regscope.model.UploadStats;
import dev.regscope.storage.BlobCensusReader;
import dev.regscope.storage.StorageLayout;
import dev.regscope.storage.TreeReader;
import java.io.IOException;
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
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Walks a registry tree once and produces a {@link Snapshot}. Keeps a {@link ManifestCache} between
 * scans, so a rescan parses only manifests it has not seen before, and reuses blob prefix folders
 * whose mtime did not move; every {@code fullRescanInterval} it trusts neither and checks every one
 * again. One scan at a time; each scan reads folders in parallel on its own pool.
 */
public final class Scanner implements ScanSource {
  private final StorageLayout layout;
  private final TreeReader reader;
  private final Clock clock;
  private final Consumer<ScanProblem> log;
  private final RepositoryFilter filter;
  private final ExecutorService pool;
  private final ThreadPacing pacing;
  private final Duration fullRescanInterval;
  private Instant lastFullRescan;
  private final ManifestCache cache = new ManifestCache();
  private Set<String> reportedProblems = Set.of();
  private final AtomicInteger progress = new AtomicInteger();
  private BlobCensus census = BlobCensus.EMPTY;
  private long lastRefsFingerprint;
  private GarbageCollection.Result lastHygiene;
  private Map<String, RepositoryStats> previous = Map.of();

  /** By repository, the blob folders the last full rescan found without a link. */
  private Map<String, Set<String>> unlinkedBlobs = Map.of();

  /** What {@code --full-rescan-interval} defaults to. */
  public static final Duration DEFAULT_FULL_RESCAN = Duration.ofHours(1);

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
    this.reader = reader;
    this.clock = clock;
    this.log = log;
    this.filter = filter;
    this.pacing = new ThreadPacing(threads, Runtime.getRuntime().availableProcessors());
    AtomicInteger count = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
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
  private boolean isFullRescanDue() {
    return lastFullRescan == null
        || !Instant.now(clock).isBefore(lastFullRescan.plus(fullRescanInterval));
  }

  /** Repository folders the running (or last) scan has read so far; for progress displays. */
  @Override
  public int repositoriesScanned() {
    return progress.get();
  }

  /**
   * Scans the whole tree. Damage becomes problems inside the snapshot; only a tree whose
   * repositories folder cannot be listed at all fails the scan, so the previous snapshot stays in
   * place instead of an empty one.
   */
  @Override
  public Snapshot scan() throws IOException {
    long start = System.nanoTime();
    ScanProblems problems = new ScanProblems(reportedProblems, log);
    progress.set(0);
    boolean full = isFullRescanDue();
    // The real clock, not the injected one: the census is compared with the file system's own
    // timestamps. A full rescan starts from no census, so every prefix folder is listed again.
    BlobCensusReader censusReader =
        new BlobCensusReader(layout, reader, full ? BlobCensus.EMPTY : census, Instant.now());
    int threads = pacing.threadsForScan(censusReader.averageStatNanos());
    TaskGroup group = new TaskGroup(pool, threads);
    censusReader.tasks().forEach(group::submit); // the blob census runs beside the walk
    // Null makes the store check every cached manifest's blob on disk.
    Set<String> changedBlobs = full ? null : censusReader.changedPrefixes();
    ManifestStore manifests = new ManifestStore(layout, reader, cache, problems, changedBlobs);
    ImageResolver resolver = new ImageResolver(manifests, manifests, manifests, cache.size());
    LinkedDigests linked = new LinkedDigests(reader, problems, full, unlinkedBlobs);
    RepositoryScanner repositories =
        new RepositoryScanner(
            reader,
            new LinkReader(reader, problems),
            linked,
            new UploadReader(reader),
            resolver,
            manifests,
            previous);

    Queue<RepositoryScanner.Scanned> scanned = new ConcurrentLinkedQueue<>();
    long cpuStart = ProcessCpu.nanos();
    // Every repository is read: the collector marks them all, so a filter picks only what is
    // exported.
    new RepositoryFinder(reader, problems)
        .find(
            layout,
            RepositoryFilter.ALL,
            group,
            repository -> {
              scanned.add(repositories.scan(repository));
              progress.incrementAndGet();
            });
    group.await();
    BlobCensus blobs = censusReader.census();
    long cpuEnd = ProcessCpu.nanos();
    pacing.record(
        System.nanoTime() - start, cpuStart < 0 || cpuEnd < 0 ? -1 : cpuEnd - cpuStart, threads);

    List<RepositoryRefs> refs = new ArrayList<>();
    List<UploadStats> uploads = new ArrayList<>();
    for (RepositoryScanner.Scanned one : scanned) {
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
    long fingerprint = fingerprint(scanned, keys);
    GarbageCollection.Result hygiene =
        lastHygiene != null
                && changedBlobs != null
                && changedBlobs.isEmpty()
                && fingerprint == lastRefsFingerprint
            ? lastHygiene
            : GarbageCollection.compute(blobs, refs, manifests);
    lastRefsFingerprint = fingerprint;
    lastHygiene = hygiene;
    List<RepositoryStats> stats = new ArrayList<>();
    for (RepositoryScanner.Scanned one : scanned) {
      if (one.stats() != null && filter.includes(one.stats().name())) {
        stats.add(one.stats().withHygiene(hygiene.repositories().get(one.stats().name())));
      }
    }
    stats.sort(Comparator.comparing(RepositoryStats::name));
    uploads.sort(Comparator.comparing(UploadStats::repository));

    cache.retainOnly(manifests.used());
    census = blobs;
    Map<String, RepositoryStats> byName = new HashMap<>();
    stats.forEach(r -> byName.put(r.name(), r));
    previous = byName;
    reportedProblems = keys;
    unlinkedBlobs = linked.unlinked();
    if (full) {
      lastFullRescan = Instant.now(clock);
    }
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
