package dev.regscope.bench;

import dev.regscope.model.Snapshot;
import dev.regscope.registry.ClientSettings;
import dev.regscope.registry.RegistryAddress;
import dev.regscope.scan.api.ApiScanSettings;
import dev.regscope.scan.api.ApiScanner;
import dev.regscope.testing.AccessLog;
import dev.regscope.testing.Blob;
import dev.regscope.testing.MediaTypes;
import dev.regscope.testing.RegistryClient;
import dev.regscope.testing.RegistryProcess;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The API source against a local registry 2.8 holding N tags in R repositories, each tag its own
 * manifest: requests (as the registry's access log counts them) and seconds of a first scan, of a
 * rescan with nothing changed, and of a rescan after 1% of the tags were pushed again with new
 * manifests; each beside the floor measured right before it in the same run: one plain {@code HEAD}
 * per tag, as many at once as the API source sends. Prints a table; asserts nothing.
 *
 * <p>Run: {@code mvn -B -ntp -Pbench verify -DskipTests -Dbench.api.tags=10000
 * -Dbench.api.repositories=100}, or alone: {@code java -cp ... dev.regscope.bench.ApiBenchmark
 * --tags=10000 --repositories=100 --concurrency=8}.
 */
public final class ApiBenchmark {
  private static final String AGENT_FLOOR = "regscope-bench-floor";

  private record Row(
      String run,
      long requests,
      long manifestGets,
      double seconds,
      long floorRequests,
      double floorSeconds) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new TreeMap<>();
    for (String arg : args) {
      String[] kv = arg.replaceFirst("^--", "").split("=", 2);
      options.put(kv[0], kv.length > 1 ? kv[1] : "true");
    }
    int tags = Integer.parseInt(options.getOrDefault("tags", "10000"));
    int repositories = Integer.parseInt(options.getOrDefault("repositories", "100"));
    int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "8"));
    Path dir = Files.createTempDirectory("regscope-api-bench");
    try (RegistryProcess registry = RegistryProcess.start(dir)) {
      long fillStart = System.nanoTime();
      List<String[]> all = fill(registry.client(), tags, repositories, concurrency);
      double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
      AccessLog log = new AccessLog(registry.logFile());
      List<Row> rows = new ArrayList<>();
      try (ApiScanner api =
          ApiScanner.create(
              RegistryAddress.parse(registry.baseUri().toString()),
              ClientSettings.defaults(),
              ApiScanSettings.defaults().withConcurrency(concurrency),
              Clock.systemUTC(),
              p -> {})) {
        rows.add(measure("first scan", api, registry, all, concurrency, log));
        rows.add(measure("rescan, nothing changed", api, registry, all, concurrency, log));
        int repushed = Math.max(1, tags / 100);
        repush(registry.client(), all.subList(0, repushed), concurrency);
        rows.add(
            measure(
                "rescan, " + repushed + " tags (1%) pushed again",
                api,
                registry,
                all,
                concurrency,
                log));
      }
      System.out.println();
      System.out.printf(
          Locale.ROOT,
          "API source: %d tags in %d repositories (each tag its own manifest), registry 2.8 on 127.0.0.1,"
              + " %d requests at once, %d cores, load %.2f; filled in %.0f s%n",
          tags,
          repositories,
          concurrency,
          Runtime.getRuntime().availableProcessors(),
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
          fillSeconds);
      System.out.println(
          "| scan | requests | manifest GETs | seconds | floor: HEAD per tag, requests | floor seconds | ratio |");
      System.out.println("|---|---|---|---|---|---|---|");
      for (Row row : rows) {
        System.out.printf(
            Locale.ROOT,
            "| %s | %d | %d | %.2f | %d | %.2f | %.2f |%n",
            row.run(),
            row.requests(),
            row.manifestGets(),
            row.seconds(),
            row.floorRequests(),
            row.floorSeconds(),
            row.seconds() / row.floorSeconds());
      }
    } finally {
      BenchFiles.deleteTree(dir); // the registry's storage, in /tmp
    }
  }

  /**
   * The floor right before the scan, under the same load; then the scan, both counted by the
   * registry.
   */
  private static Row measure(
      String run,
      ApiScanner api,
      RegistryProcess registry,
      List<String[]> tags,
      int concurrency,
      AccessLog log)
      throws Exception {
    log.mark();
    long floorStart = System.nanoTime();
    headEveryTag(registry.baseUri(), tags, concurrency);
    double floorSeconds = (System.nanoTime() - floorStart) / 1e9;
    long floorRequests = log.entries(AGENT_FLOOR).size();
    log.mark();
    long start = System.nanoTime();
    Snapshot snapshot = api.scan();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (snapshot.tagCount() != tags.size()) {
      throw new AssertionError("scanned " + snapshot.tagCount() + " tags, not " + tags.size());
    }
    List<AccessLog.Entry> requests = log.entries("regscope");
    long gets = requests.stream().filter(e -> e.method().equals("GET") && e.isManifest()).count();
    return new Row(run, requests.size(), gets, seconds, floorRequests, floorSeconds);
  }

  /**
   * One plain HEAD per tag, {@code concurrency} at once: what no reader of the API can go below.
   */
  private static void headEveryTag(URI registry, List<String[]> tags, int concurrency)
      throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try {
      List<Future<Integer>> answers = new ArrayList<>();
      for (String[] tag : tags) {
        answers.add(
            pool.submit(
                () ->
                    http.send(
                            HttpRequest.newBuilder(
                                    registry.resolve("/v2/" + tag[0] + "/manifests/" + tag[1]))
                                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                                .header("Accept", MediaTypes.OCI_MANIFEST)
                                .header("User-Agent", AGENT_FLOOR)
                                .timeout(Duration.ofSeconds(60))
                                .build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode()));
      }
      for (Future<Integer> answer : answers) {
        if (answer.get() != 200) {
          throw new AssertionError("floor HEAD answered " + answer.get());
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Repository r holds tags t0..; every tag its own OCI manifest over one shared config and layer.
   */
  private static List<String[]> fill(
      RegistryClient client, int tags, int repositories, int concurrency) throws Exception {
    Blob config =
        Blob.of(MediaTypes.OCI_CONFIG, "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes());
    Blob layer = Blob.of(MediaTypes.OCI_LAYER, new byte[1024]);
    List<String[]> all = new ArrayList<>();
    for (int r = 0; r < repositories; r++) {
      String repository = String.format("bench/repo%03d", r);
      client.pushBlob(repository, config);
      client.pushBlob(repository, layer);
      for (int t = r; t < tags; t += repositories) {
        all.add(new String[] {repository, String.format("t%05d", t)});
      }
    }
    repush(client, all, concurrency, "build-1");
    return all;
  }

  private static void repush(RegistryClient client, List<String[]> tags, int concurrency)
      throws Exception {
    repush(client, tags, concurrency, "build-2");
  }

  private static void repush(
      RegistryClient client, List<String[]> tags, int concurrency, String build) throws Exception {
    Blob config =
        Blob.of(MediaTypes.OCI_CONFIG, "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes());
    Blob layer = Blob.of(MediaTypes.OCI_LAYER, new byte[1024]);
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (String[] tag : tags) {
        String manifest =
            "{\"schemaVersion\":2,\"mediaType\":\""
                + MediaTypes.OCI_MANIFEST
                + "\",\"config\":{\"mediaType\":\""
                + MediaTypes.OCI_CONFIG
                + "\",\"digest\":\""
                + config.digest()
                + "\",\"size\":"
                + config.size()
                + "},\"layers\":[{\"mediaType\":\""
                + MediaTypes.OCI_LAYER
                + "\",\"digest\":\""
                + layer.digest()
                + "\",\"size\":"
                + layer.size()
                + "}],\"annotations\":{\"dev.regscope.bench\":\""
                + tag[0]
                + ":"
                + tag[1]
                + " "
                + build
                + "\"}}";
        Blob blob = Blob.of(MediaTypes.OCI_MANIFEST, manifest.getBytes(StandardCharsets.UTF_8));
        done.add(pool.submit(() -> client.putManifest(tag[0], tag[1], blob)));
      }
      for (Future<?> future : done) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
