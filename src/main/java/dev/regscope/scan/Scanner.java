package dev.regscope.scan;

import dev.regscope.manifest.ManifestKind;
import dev.regscope.manifest.Platform;
import dev.regscope.model.BrokenTag;
import dev.regscope.model.PlatformStats;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.ScanProblem;
import dev.regscope.model.Snapshot;
import dev.regscope.model.TagStats;
import dev.regscope.scan.Resolution.Leaf;
import dev.regscope.scan.Resolution.Resolved;
import dev.regscope.scan.Resolution.Unresolved;
import dev.regscope.storage.StorageLayout;
import dev.regscope.storage.TreeReader;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Walks a registry tree once and produces a {@link Snapshot}. Keeps a {@link ManifestCache} between scans, so
 * a rescan parses only manifests it has not seen before. One scan at a time; each scan reads folders in
 * parallel on its own pool.
 */
public final class Scanner {
  private final StorageLayout layout;
  private final TreeReader reader;
  private final Clock clock;
  private final Consumer<ScanProblem> log;
  private final RepositoryFilter filter;
  private final ExecutorService pool;
  private final ThreadPacing pacing;
  private final ManifestCache cache = new ManifestCache();
  private Set<String> reportedProblems = Set.of();
  private BlobStamp blobStamp = BlobStamp.NONE;

  /** A scanner of every repository, on one thread. */
  public Scanner(StorageLayout layout, TreeReader reader, Clock clock, Consumer<ScanProblem> log) {
    this(layout, reader, clock, log, 1, RepositoryFilter.ALL);
  }

  /**
   * @param threads folders read in parallel; on network storage each read waits on a round trip, so more threads
   *     than cores pay off there
   */
  public Scanner(StorageLayout layout, TreeReader reader, Clock clock, Consumer<ScanProblem> log, int threads,
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
    this.pool = Executors.newFixedThreadPool(threads, task -> {
      Thread thread = new Thread(task, "regscope-scan-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Scans the whole tree. Damage becomes problems inside the snapshot; only a tree whose repositories folder
   * cannot be listed at all fails the scan, so the previous snapshot stays in place instead of an empty one.
   */
  public Snapshot scan() throws IOException {
    long start = System.nanoTime();
    ScanProblems problems = new ScanProblems(reportedProblems, log);
    // The real clock, not the injected one: the stamp is compared with the file system's own timestamps.
    BlobStamp stamp = BlobStamp.take(layout, reader, Instant.now());
    ManifestStore manifests = new ManifestStore(layout, reader, cache, problems, stamp.changedSince(blobStamp));
    ImageResolver resolver = new ImageResolver(manifests, manifests, manifests, cache.size());
    LinkReader links = new LinkReader(reader, problems);

    Queue<RepositoryStats> scanned = new ConcurrentLinkedQueue<>();
    int threads = pacing.threadsForNextScan();
    long cpuStart = ProcessCpu.nanos();
    new RepositoryFinder(reader, problems).find(layout, filter, pool, threads,
        repository -> scanned.add(stats(repository, links.read(repository), resolver)));
    List<RepositoryStats> repositories = new ArrayList<>(scanned);
    repositories.sort(Comparator.comparing(RepositoryStats::name));
    long cpuEnd = ProcessCpu.nanos();
    pacing.record(System.nanoTime() - start, cpuStart < 0 || cpuEnd < 0 ? -1 : cpuEnd - cpuStart, threads);
    cache.retainOnly(manifests.used());
    blobStamp = stamp;
    List<ScanProblem> found = problems.all();
    Set<String> keys = new HashSet<>();
    found.forEach(p -> keys.add(ScanProblems.key(p)));
    reportedProblems = keys;
    return new Snapshot(Instant.now(clock), Duration.ofNanos(System.nanoTime() - start), repositories, found,
        manifests.used().size());
  }

  private static RepositoryStats stats(RepositoryDir repository, RepositoryContents contents, ImageResolver resolver) {
    List<TagStats> tags = new ArrayList<>();
    List<BrokenTag> broken = new ArrayList<>(contents.brokenTags());
    for (TagLink link : contents.tags()) {
      Resolution resolution = resolver.resolve(link.digest());
      if (resolution instanceof Unresolved unresolved) {
        broken.add(new BrokenTag(link.tag(), unresolved.damage()));
      } else {
        Resolved image = (Resolved) resolution;
        tags.add(new TagStats(link.tag(), link.digest(), image.mediaType(), image.layers(), image.sizeBytes(),
            image.kind() == ManifestKind.INDEX ? byPlatform(image.leaves()) : List.of()));
      }
    }
    broken.sort((a, b) -> a.name().compareTo(b.name()));
    return new RepositoryStats(repository.name(), contents.revisions(), tags, broken);
  }

  /** Children declared for the same platform (several attestations are all unknown/unknown) are summed. */
  static List<PlatformStats> byPlatform(List<Leaf> leaves) {
    Map<String, long[]> sums = new TreeMap<>();
    for (Leaf leaf : leaves) {
      String platform = leaf.platform().map(Platform::toString).orElse(Platform.UNDECLARED);
      long[] sum = sums.computeIfAbsent(platform, p -> new long[2]);
      sum[0] += leaf.layers();
      sum[1] += leaf.sizeBytes();
    }
    List<PlatformStats> platforms = new ArrayList<>();
    sums.forEach((platform, sum) -> platforms.add(new PlatformStats(platform, sum[0], sum[1])));
    return platforms;
  }
}
