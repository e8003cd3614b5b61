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
 * scans, so a rescan parses only manifests it has not seen before. One scan at a time; each scan
 * reads folders in parallel on its own pool.
 */
public final class Scanner implements ScanSource {
  private final StorageLayout layout;
  private final TreeReader reader;
  private final Clock clock;
  private final Consumer<ScanProblem> log;
  private final RepositoryFilter filter;
  private final ExecutorService pool;
  private final ThreadPacing pacing;
  private final ManifestCache cache = new ManifestCache();
  private Set<String> reportedProblems = Set.of();
  private final AtomicInteger progress = new AtomicInteger();
  private BlobCensus census = BlobCensus.EMPTY;
  private long lastRefsFingerprint;
  private GarbageCollection.Result lastHygiene;
  private Map<String, RepositoryStats> previous = Map.of();

  /** A scanner of every repository, on one thread. */
  public Scanner(StorageLayout layout, TreeReader reader, Clock clock, Consumer<ScanProblem> log) {
    this(layout, reader, clock, log, 1, RepositoryFilter.ALL);
  }

  /**
   * @param threads folders read in parallel; on network storage each read waits on a round trip, so
   *     more threads than cores pay off there
   */
  public Scanner(
      StorageLayout layout,
      TreeReader reader,
      Clock clock,
      Consumer<ScanProblem> log,
      int threads,
      RepositoryFilter filter) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1: " + threads);
    }
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
   * A 64-bit fingerprint of every repository's revisions and tags, in order: equal fingerprints
   * mean the links did not move (a collision would keep last scan's hygiene numbers for one more
   * scan, nothing worse).
   */
  private static long fingerprint(List<RepositoryRefs> refs) {
    long hash = 1125899906842597L;
    for (RepositoryRefs repository : refs) {
      hash = 31 * hash + repository.name().hashCode();
      for (var revision : repository.revisions()) {
        hash = 31 * hash + revision.hashCode();
      }
      hash = 31 * hash + 7;
      for (var tag : repository.tags()) {
        hash = 31 * hash + tag.hashCode();
      }
      hash = 31 * hash + 11;
    }
    return hash;
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
    // The real clock, not the injected one: the census is compared with the file system's own
    // timestamps.
    BlobCensusReader censusReader = new BlobCensusReader(layout, reader, census, Instant.now());
    int threads = pacing.threadsForScan(censusReader.averageStatNanos());
    TaskGroup group = new TaskGroup(pool, threads);
    censusReader.tasks().forEach(group::submit); // the blob census runs beside the walk
    Set<String> changedBlobs = censusReader.changedPrefixes();
    ManifestStore manifests = new ManifestStore(layout, reader, cache, problems, changedBlobs);
    ImageResolver resolver = new ImageResolver(manifests, manifests, manifests, cache.size());
    RepositoryScanner repositories =
        new RepositoryScanner(
            reader,
            new LinkReader(reader, problems),
            new UploadReader(reader),
            resolver,
            manifests,
            previous);

    Queue<RepositoryScanner.Scanned> scanned = new ConcurrentLinkedQueue<>();
    long cpuStart = ProcessCpu.nanos();
    new RepositoryFinder(reader, problems)
        .find(
            layout,
            filter,
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
      if (one.uploads() != null) {
        uploads.add(one.uploads());
      }
    }
    // This scan's view of each manifest, not the cache: a cached summary outlives its deleted blob.
    refs.sort(Comparator.comparing(RepositoryRefs::name));
    // Reachability depends only on the blob store and the links: when neither moved, last scan's
    // answer stands.
    long fingerprint = fingerprint(refs);
    GarbageCollection.Result hygiene =
        lastHygiene != null
                && changedBlobs != null
                && changedBlobs.isEmpty()
                && fingerprint == lastRefsFingerprint
            ? lastHygiene
            : GarbageCollection.compute(blobs, refs, manifests::summary);
    lastRefsFingerprint = fingerprint;
    lastHygiene = hygiene;
    List<RepositoryStats> stats = new ArrayList<>();
    for (RepositoryScanner.Scanned one : scanned) {
      if (one.stats() != null) {
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
    List<ScanProblem> found = problems.all();
    Set<String> keys = new HashSet<>();
    found.forEach(p -> keys.add(ScanProblems.key(p)));
    reportedProblems = keys;
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
