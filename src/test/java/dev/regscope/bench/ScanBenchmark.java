package dev.regscope.bench;

import dev.regscope.metrics.ExpositionPublisher;
import dev.regscope.metrics.SeriesFilter;
import dev.regscope.model.ScanState;
import dev.regscope.model.Snapshot;
import dev.regscope.sample.SampleRegistry;
import dev.regscope.scan.RepositoryFilter;
import dev.regscope.scan.Scanner;
import dev.regscope.scan.SnapshotSource;
import dev.regscope.server.Endpoints;
import dev.regscope.server.MetricsServer;
import dev.regscope.storage.NioTreeReader;
import dev.regscope.storage.StorageLayout;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures regscope on synthetic trees of the given sizes and prints one table: cold scan, warm
 * rescan, rescan after 1% of tags were re-pushed, scrape latency over HTTP, response size and live
 * heap, each scan figure also as a ratio to the physical floor timed in the same run; then the
 * effect of {@code --scan-threads}.
 *
 * <p>Run: {@code mvn -B -ntp -Pbench verify -DskipTests -Dbench.tags=10000,100000}. Trees are
 * generated once under {@code bench.dir} and reused. {@code -Dbench.repeat=N} sets the runs each
 * median takes (5); {@code -Dbench.floors=false} skips the floors and the thread comparison, for a
 * tree whose blocks do not fit the page cache, where they would only time the disk. {@code
 * -Dbench.coldCache=true} (as root) adds the thread comparison on a page cache dropped for the
 * whole machine; off by default.
 */
public final class ScanBenchmark {
  private static final Clock CLOCK = Clock.systemUTC();

  private final Path dir;
  private final int threads;
  private final int scrapes;
  private final int coldCacheMaxTags;

  /**
   * Whether the thread comparison also drops the page cache (root only): that empties the cache of
   * the whole machine, so it is asked for ({@code -Dbench.coldCache=true}), never a default.
   */
  private final boolean coldCache;

  private final int repeat;
  private final boolean floors;
  private final List<String> rows = new ArrayList<>();
  private final List<String> threadRows = new ArrayList<>();

  private ScanBenchmark(
      Path dir,
      int threads,
      int scrapes,
      int coldCacheMaxTags,
      boolean coldCache,
      int repeat,
      boolean floors) {
    this.coldCache = coldCache;
    this.repeat = repeat;
    this.floors = floors;
    this.coldCacheMaxTags = coldCacheMaxTags;
    this.dir = dir;
    this.threads = threads;
    this.scrapes = scrapes;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new TreeMap<>();
    for (String arg : args) {
      String[] kv = arg.replaceFirst("^--", "").split("=", 2);
      options.put(kv[0], kv.length > 1 ? kv[1] : "true");
    }
    ScanBenchmark benchmark =
        new ScanBenchmark(
            Path.of(options.getOrDefault("dir", "target/bench")),
            Integer.parseInt(options.getOrDefault("threads", "16")),
            Integer.parseInt(options.getOrDefault("scrapes", "200")),
            Integer.parseInt(options.getOrDefault("cold-cache-max-tags", "100000")),
            Boolean.parseBoolean(options.getOrDefault("cold-cache", "false")),
            Integer.parseInt(options.getOrDefault("repeat", "5")),
            Boolean.parseBoolean(options.getOrDefault("floors", "true")));
    for (String tags : options.getOrDefault("tags", "10000").split(",")) {
      int count = Integer.parseInt(tags.trim());
      benchmark.run(count);
      if (benchmark.floors) {
        // After run() returned, so its scanner, state and exposition are gone: at 1M tags a second
        // scanner's
        // cache beside them does not fit -Xmx1g, and a sidecar never holds two.
        benchmark.compareThreads(count);
      }
    }
    benchmark.print();
  }

  private void run(int tags) throws Exception {
    SampleRegistry.Spec spec = SampleRegistry.Spec.forTags(tags, 7);
    Path root = dir.resolve("tree-" + tags);
    long files = ensureTree(root, spec);
    Path v2 = root.resolve("docker/registry/v2");
    StorageLayout layout = StorageLayout.locate(root);
    log("%d tags: %d files; warming the page cache", spec.tags(), files);
    if (floors) {
      warmPageCache(v2);
    }

    double linkFloor = Double.NaN;
    double manifestFloor = Double.NaN;
    double[] python = {Double.NaN, Double.NaN};
    if (floors) {
      PhysicalFloor floor = new PhysicalFloor(v2);
      linkFloor = median(repeat, () -> floor.linkPass().size());
      manifestFloor = manifestFloor(floor, repeat);
      python = pythonFloor(v2, repeat);
      log("python floor: links %.3f s, manifests %.3f s", python[0], python[1]);
    }

    double cold;
    double first = Double.NaN;
    Scanner scanner = scanner(layout, threads);
    int tagCount;
    if (floors) {
      // The first scan in this JVM also compiles the scan code; the cold scans after it are
      // measured like the
      // warm rescan, with the code compiled: each is a fresh scanner (no manifest cache, no
      // census).
      first = time(() -> scanner(layout, threads).scan());
      cold = median(Math.max(1, repeat * 3 / 5), () -> scanner(layout, threads).scan());
      tagCount = scanner.scan().tagCount();
      for (int i = 0; i < repeat; i++) {
        scanner.scan(); // a sidecar rescans every minute: measure it with its code compiled, as it
        // runs
      }
    } else {
      // Where each scan waits on the disk, the sidecar's own first scan is the cold one.
      long start = System.nanoTime();
      tagCount = scanner.scan().tagCount();
      cold = (System.nanoTime() - start) / 1e9;
      log("cold scan %.1f s, heap after it %d MB", cold, liveHeap() / 1_000_000);
    }
    double warm = median(repeat, scanner::scan);
    log("regscope: first scan in this JVM %.3f s, cold %.3f s, warm %.3f s", first, cold, warm);

    ScanState state = ScanState.EMPTY.after(scanner.scan());
    ExpositionPublisher publisher = new ExpositionPublisher(SeriesFilter.ALL);
    long renderStart = System.nanoTime();
    publisher.accept(state);
    double render = (System.nanoTime() - renderStart) / 1e9;
    long heap = liveHeap(); // what serving holds: the scanner's cache, the state, the exposition
    double[] latencies = scrape(state, publisher);
    log("scrape p50 %.1f ms, p99 %.1f ms", latencies[0], latencies[1]);

    int moved = SampleRegistry.repush(root, spec, 0.01, System.nanoTime());
    long start = System.nanoTime();
    Snapshot after = scanner.scan();
    double repushed = (System.nanoTime() - start) / 1e9;
    log("re-pushed %d tags, rescan %.3f s", moved, repushed);

    double pyLinks = python[0];
    double pyAll = python[0] + python[1];
    String row =
        String.format(
            Locale.ROOT,
            "| %,d | %,d | %.3f / %s | %.3f / %s | %.3f (%s) | %.3f (%s, %.2f×) | %.3f (%s, %.2f×) | %.3f (%s, %.2f×) "
                + "| %.1f / %.1f | %.1f / %.1f | %.0f | %.3f |",
            tagCount,
            files,
            linkFloor,
            seconds(pyLinks),
            linkFloor + manifestFloor,
            seconds(pyAll),
            first,
            ratio(first, pyAll),
            cold,
            ratio(cold, pyAll),
            cold / (linkFloor + manifestFloor),
            warm,
            ratio(warm, pyLinks),
            warm / linkFloor,
            repushed,
            ratio(repushed, pyLinks),
            repushed / linkFloor,
            latencies[0],
            latencies[1],
            publisher.exposition().gzipSize() / 1e6,
            publisher.exposition().plainSize() / 1e6,
            heap / 1e6,
            render);
    log("row: %s", row); // printed now too, so a later size that fails does not lose it
    rows.add(row);
    if (after.tagCount() != tagCount) {
      throw new AssertionError("a re-push changed the number of tags");
    }
  }

  /**
   * Stats every file of the tree with the JDK's own walk (not regscope's code, whose JIT must stay
   * cold for the first-scan figure): the floors read links and manifests, a scan also stats every
   * blob.
   */
  private static void warmPageCache(Path v2) throws IOException {
    Files.walkFileTree(
        v2,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /**
   * Reads every distinct manifest once (median of five), in its own frame so the list is gone
   * afterwards.
   */
  private static double manifestFloor(PhysicalFloor floor, int repeat) throws Exception {
    List<Path> manifests = floor.manifestFiles(floor.linkPass());
    PhysicalFloor.manifestPass(manifests);
    double seconds = median(repeat, () -> PhysicalFloor.manifestPass(manifests));
    log("floor: manifests %.3f s (%d manifests)", seconds, manifests.size());
    return seconds;
  }

  /**
   * One thread against the default, on a warm page cache and (where the kernel lets us drop it) a
   * cold one. One scanner at a time, so the comparison needs no more heap than the sidecar.
   */
  private void compareThreads(int tags) throws Exception {
    StorageLayout layout = StorageLayout.locate(dir.resolve("tree-" + tags));
    double warmOne = warmRescan(layout, 1);
    double warmMany = warmRescan(layout, threads);
    // Off unless -Dbench.coldCache=true: "off", not a number, in the table.
    String coldOne = coldCache ? "n/a" : "off";
    String coldMany = coldOne;
    // A cold page cache at 1M tags takes minutes per single-threaded scan: compared up to
    // coldCacheMaxTags.
    if (coldCache && tags <= coldCacheMaxTags && dropPageCache()) {
      coldOne = String.format(Locale.ROOT, "%.3f", time(() -> scanner(layout, 1).scan()));
      dropPageCache();
      coldMany = String.format(Locale.ROOT, "%.3f", time(() -> scanner(layout, threads).scan()));
    }
    String row =
        String.format(
            Locale.ROOT,
            "| %,d | %.3f | %.3f | %s | %s |",
            tags,
            warmOne,
            warmMany,
            coldOne,
            coldMany);
    log("threads row: %s", row);
    threadRows.add(row);
  }

  /**
   * Median rescan of an unchanged tree by one scanner with the given threads, after its first scan.
   */
  private double warmRescan(StorageLayout layout, int threads) throws Exception {
    Scanner scanner = scanner(layout, threads);
    scanner.scan();
    return median(repeat, scanner::scan);
  }

  /**
   * The reference floor: a minimal Python pass (link pass, manifest pass), run on the same
   * tree in the same run. NaN where python3 is not installed.
   */
  private static double[] pythonFloor(Path v2, int repeat) {
    try {
      Path script = Path.of(ScanBenchmark.class.getResource("/bench/link_floor.py").toURI());
      Process process =
          new ProcessBuilder("python3", script.toString(), v2.toString(), Integer.toString(repeat))
              .redirectErrorStream(true)
              .start();
      String out =
          new String(
              process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (process.waitFor() != 0) {
        log("python floor failed: %s", out.strip());
        return new double[] {Double.NaN, Double.NaN};
      }
      double links = Double.NaN;
      double manifests = Double.NaN;
      for (String line : out.split("\n")) {
        String[] parts = line.trim().split(" ");
        if (parts[0].equals("link")) {
          links = Double.parseDouble(parts[1]);
        } else if (parts[0].equals("manifest")) {
          manifests = Double.parseDouble(parts[1]);
        }
      }
      return new double[] {links, manifests};
    } catch (Exception e) {
      log("python floor not run: %s", e);
      return new double[] {Double.NaN, Double.NaN};
    }
  }

  private static String seconds(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.3f", value);
  }

  private static String ratio(double value, double floor) {
    return Double.isNaN(floor) ? "n/a" : String.format(Locale.ROOT, "%.2f×", value / floor);
  }

  private static boolean dropPageCache() {
    try {
      new ProcessBuilder("sync").inheritIO().start().waitFor();
      Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3\n");
      return true;
    } catch (IOException | InterruptedException | SecurityException e) {
      return false;
    }
  }

  /** As `serve` builds it: the reader checks every folder below the storage root, not above. */
  private Scanner scanner(StorageLayout layout, int threads) {
    return new Scanner(
        layout, new NioTreeReader(layout.root()), CLOCK, p -> {}, threads, RepositoryFilter.ALL);
  }

  /** Median and 99th percentile in ms of sequential scrapes, gzip-encoded like Prometheus asks. */
  private double[] scrape(ScanState state, ExpositionPublisher publisher) throws Exception {
    SnapshotSource source = () -> state;
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (MetricsServer server =
        MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), source, publisher)) {
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + server.port() + Endpoints.METRICS))
              .header("Accept-Encoding", "gzip")
              .build();
      double[] ms = new double[scrapes];
      for (int i = -20; i < scrapes; i++) {
        long start = System.nanoTime();
        HttpResponse<InputStream> response =
            http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
          body.transferTo(java.io.OutputStream.nullOutputStream());
        }
        if (i >= 0) {
          ms[i] = (System.nanoTime() - start) / 1e6;
        }
      }
      Arrays.sort(ms);
      return new double[] {ms[scrapes / 2], ms[(int) Math.ceil(scrapes * 0.99) - 1]};
    }
  }

  private static long liveHeap() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private long ensureTree(Path root, SampleRegistry.Spec spec) throws IOException {
    Path marker = dir.resolve("tree-" + spec.tags() + ".files");
    if (Files.exists(marker)) {
      return Long.parseLong(Files.readString(marker).strip());
    }
    if (Files.exists(root)) {
      throw new IOException(
          root + " exists but is incomplete (no " + marker.getFileName() + "): delete it");
    }
    log("generating %d tags under %s", spec.tags(), root);
    long start = System.nanoTime();
    SampleRegistry.write(root, spec);
    AtomicLong files = new AtomicLong();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            files.incrementAndGet();
            return FileVisitResult.CONTINUE;
          }
        });
    Files.writeString(marker, files.get() + "\n");
    log("generated in %.0f s", (System.nanoTime() - start) / 1e9);
    return files.get();
  }

  private static double time(Callable<?> work) throws Exception {
    long start = System.nanoTime();
    work.call();
    return (System.nanoTime() - start) / 1e9;
  }

  private static double median(int runs, Callable<?> work) throws Exception {
    double[] seconds = new double[runs];
    for (int i = 0; i < runs; i++) {
      seconds[i] = time(work);
    }
    Arrays.sort(seconds);
    return seconds[runs / 2];
  }

  private static void log(String format, Object... args) {
    System.err.printf(Locale.ROOT, "[bench] " + format + "%n", args);
  }

  private void print() {
    System.out.println();
    System.out.println(
        "| tags | files | link floor, Java / Python (s) | link + manifest floor, Java / Python (s) "
            + "| first scan in a fresh JVM (s; ×Python) | cold scan (s; ×Python, ×Java link + manifest floor) | warm rescan (s; ×Python, ×Java link floor) "
            + "| rescan after 1% re-push (s; ×Python, ×Java link floor) | scrape p50 / p99 (ms) "
            + "| response gzip / text (MB) | live heap after GC (MB) | render (s) |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
    rows.forEach(System.out::println);
    System.out.println();
    System.out.printf(
        "| tags | warm rescan, 1 thread (s) | warm rescan, %d threads (s) | cold page cache, cold scan, 1 thread (s) "
            + "| cold page cache, cold scan, %d threads (s) |%n",
        threads, threads);
    System.out.println("|---|---|---|---|---|");
    threadRows.forEach(System.out::println);
  }
}
