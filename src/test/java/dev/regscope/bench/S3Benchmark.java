package dev.regscope.bench;

import dev.regscope.model.Snapshot;
import dev.regscope.sample.SampleRegistry;
import dev.regscope.scan.RepositoryFilter;
import dev.regscope.scan.Scanner;
import dev.regscope.storage.StorageLayout;
import dev.regscope.storage.s3.S3Connection;
import dev.regscope.storage.s3.S3Location;
import dev.regscope.storage.s3.S3Requests;
import dev.regscope.storage.s3.S3TreeReader;
import dev.regscope.testing.S3ProxyProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 source on a synthetic tree in S3Proxy: the first scan, a rescan with nothing changed and a
 * rescan after 1% of tags were re-pushed, in requests and seconds, beside the floor of listing
 * every key once with the same parallelism, measured in the same run. Prints a table.
 *
 * <p>Run: {@code mvn -B -ntp -Pbench verify -DskipTests -Dbench.s3.tags=100000}. The tree is
 * generated once under {@code bench.dir/s3-<tags>} (S3Proxy's filesystem backend serves the folder
 * as the bucket) and reused; a re-pushed tree is generated again next time.
 */
public final class S3Benchmark {
  private static final String BUCKET = "registry";
  private static final String ROOT = "tree";

  private final List<String> rows = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new TreeMap<>();
    for (String arg : args) {
      String[] kv = arg.replaceFirst("^--", "").split("=", 2);
      options.put(kv[0], kv.length > 1 ? kv[1] : "true");
    }
    int tags = Integer.parseInt(options.getOrDefault("tags", "2000"));
    int threads = Integer.parseInt(options.getOrDefault("threads", "16"));
    Path dir = Path.of(options.getOrDefault("dir", "target/bench")).resolve("s3-" + tags);
    new S3Benchmark().run(dir.toAbsolutePath(), tags, threads);
    System.exit(0); // the SDK's and S3Proxy's helper threads
  }

  private void run(Path dir, int tags, int threads) throws Exception {
    String loadBefore = load();
    SampleRegistry.Spec spec = SampleRegistry.Spec.forTags(tags, 7);
    Path bucket = dir.resolve("buckets").resolve(BUCKET);
    Path tree = bucket.resolve(ROOT);
    Path marker = dir.resolve("complete");
    if (!Files.exists(marker)) {
      deleteRecursively(dir);
      log("generating %d tags under %s", spec.tags(), tree);
      SampleRegistry.write(tree, spec);
      Files.writeString(marker, "");
    }
    long files;
    try (Stream<Path> walk = Files.walk(tree)) {
      files = walk.filter(Files::isRegularFile).count();
    }
    try (S3ProxyProcess s3 = S3ProxyProcess.start(dir, BUCKET)) {
      log(
          "%d tags, %d keys in S3Proxy at %s; %d threads",
          spec.tags(), files, s3.endpoint(), threads);
      // The floor first and last, so a warmer server favours neither side.
      Measured floorBefore = floor(s3, threads);
      S3Requests requests = new S3Requests();
      S3Location location = new S3Location(BUCKET, ROOT);
      Scanner scanner =
          new Scanner(
              StorageLayout.at(location.v2Root()),
              new S3TreeReader(client(s3, requests, threads), location, threads, requests),
              Clock.systemUTC(),
              problem -> {},
              threads,
              RepositoryFilter.ALL);
      Measured first = measure(requests, scanner);
      Measured unchanged = measure(requests, scanner);
      Measured floorAfter = floor(s3, threads);
      Measured floor = floorBefore.seconds <= floorAfter.seconds ? floorBefore : floorAfter;
      int moved = SampleRegistry.repush(tree, spec, 0.01, 99);
      Files.deleteIfExists(marker); // the tree moved on: generate it afresh next time
      Measured repushed = measure(requests, scanner);

      long minimalPages = (files + 999) / 1000;
      row("", "ListObjectsV2", "GetObject", "seconds", "x floor (s)", "tags");
      row(
          "floor: list every key once",
          floor.lists,
          0,
          floor.seconds,
          1.0,
          "(fewest pages possible: " + minimalPages + ")");
      row(
          "first scan",
          first.lists,
          first.gets,
          first.seconds,
          first.seconds / floor.seconds,
          first.tags);
      row(
          "rescan, nothing changed",
          unchanged.lists,
          unchanged.gets,
          unchanged.seconds,
          unchanged.seconds / floor.seconds,
          unchanged.tags);
      row(
          "rescan, " + moved + " tags re-pushed",
          repushed.lists,
          repushed.gets,
          repushed.seconds,
          repushed.seconds / floor.seconds,
          repushed.tags);
    }
    System.out.println();
    System.out.printf(
        "S3 source benchmark (S3Proxy 4.1.0, filesystem backend, on 127.0.0.1; %d threads; load"
            + " average at the start %s, at the end %s)%n",
        threads, loadBefore, load());
    rows.forEach(System.out::println);
  }

  private record Measured(long lists, long gets, double seconds, int tags) {}

  private static Measured measure(S3Requests requests, Scanner scanner) throws IOException {
    long lists = requests.requests("ListObjectsV2");
    long gets = requests.requests("GetObject");
    long start = System.nanoTime();
    Snapshot snapshot = scanner.scan();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (!snapshot.problems().isEmpty()) {
      throw new IllegalStateException("the scan met damage: " + snapshot.problems().get(0));
    }
    Measured measured =
        new Measured(
            requests.requests("ListObjectsV2") - lists,
            requests.requests("GetObject") - gets,
            seconds,
            snapshot.tagCount());
    log("scan: %s", measured);
    return measured;
  }

  /** Every key listed once with the scan's parallelism, by the scan's lister, and nothing else. */
  private static Measured floor(S3ProxyProcess s3, int threads) throws IOException {
    S3Requests requests = new S3Requests();
    try (S3TreeReader reader =
        new S3TreeReader(
            client(s3, requests, threads), new S3Location(BUCKET, ROOT), threads, requests)) {
      long start = System.nanoTime();
      int keys = reader.listEveryKey();
      double seconds = (System.nanoTime() - start) / 1e9;
      Measured measured = new Measured(requests.requests("ListObjectsV2"), 0, seconds, 0);
      log("floor: %d keys, %s", keys, measured);
      return measured;
    }
  }

  private static S3Client client(S3ProxyProcess s3, S3Requests requests, int threads) {
    return new S3Connection(Optional.of(s3.endpoint()), true, Optional.empty())
        .open(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(S3ProxyProcess.IDENTITY, S3ProxyProcess.CREDENTIAL)),
            requests,
            threads);
  }

  private void row(
      String what, Object lists, Object gets, Object seconds, Object ratio, Object tags) {
    rows.add(
        String.format(
            Locale.ROOT,
            "%-28s %14s %10s %9s %12s  %s",
            what,
            lists,
            gets,
            seconds instanceof Double d ? String.format(Locale.ROOT, "%.2f", d) : seconds,
            ratio instanceof Double d ? String.format(Locale.ROOT, "%.2f", d) : ratio,
            tags));
  }

  private static String load() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).strip().split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static void log(String format, Object... args) {
    System.err.printf("[s3-bench] " + format + "%n", args);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
