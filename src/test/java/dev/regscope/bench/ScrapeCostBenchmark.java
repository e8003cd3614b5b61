package dev.regscope.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What each {@code --tag-metrics} choice costs a real Prometheus (Debian's 2.42, on 127.0.0.1,
 * scraping a real {@code regscope serve} every 10 s with its default 10 s timeout): samples per
 * scrape, Prometheus's own {@code scrape_duration_seconds}, and its memory per series.
 *
 * <p>{@code --tags=10000,100000 --scrapes=4 --dir=target/bench
 * --choices=none;layers,size,unpullable;layers,size,info,pushed;all}
 */
public final class ScrapeCostBenchmark {
  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private ScrapeCostBenchmark() {}

  private record Cost(
      String choice,
      long samples,
      double firstScrape,
      double laterScrapes,
      int failed,
      long headSeries,
      long heapInuse,
      long rss) {}

  public static void main(String[] args) throws Exception {
    List<Integer> tags = new ArrayList<>();
    int scrapes = 4;
    Path dir = Path.of("target/bench");
    List<String> choices =
        List.of("none", "layers,size,unpullable", "layers,size,info,pushed", "all");
    for (String arg : args) {
      String value = arg.substring(arg.indexOf('=') + 1);
      if (arg.startsWith("--tags=")) {
        Arrays.stream(value.split(",")).map(Integer::parseInt).forEach(tags::add);
      } else if (arg.startsWith("--scrapes=")) {
        scrapes = Integer.parseInt(value);
      } else if (arg.startsWith("--dir=")) {
        dir = Path.of(value);
      } else if (arg.startsWith("--choices=")) {
        choices = List.of(value.split(";"));
      }
    }
    if (!Files.isExecutable(PROMETHEUS)) {
      if (System.getenv("CI") != null) {
        throw new IllegalStateException(PROMETHEUS + " is missing (apt-get install prometheus)");
      }
      System.out.println("scrape cost benchmark skipped: no " + PROMETHEUS);
      return;
    }
    System.out.printf(
        "scrape cost benchmark: Prometheus 2.42 scraping every 10 s (timeout 10 s), %d scrapes per"
            + " choice, a fresh TSDB each; load %s%n",
        scrapes, ServeJvm.Proc.load());
    System.out.println(
        "| tags | --tag-metrics | samples per scrape | tag-level samples per tag | first scrape (s) |"
            + " later scrapes, mean (s) | failed scrapes | Prometheus head series | Go heap in use"
            + " (MiB) | Prometheus RSS (MiB) | heap bytes per series over `none` |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    for (int n : tags) {
      Path tree = Trees.sample(dir, n);
      Cost base = null;
      for (String choice : choices) {
        Cost cost = measure(tree, dir, choice, scrapes);
        if (choice.equals("none")) {
          base = cost;
        }
        String perSeries =
            base == null || cost == base || cost.headSeries() <= base.headSeries()
                ? ""
                : String.valueOf(
                    (cost.heapInuse() - base.heapInuse())
                        / (cost.headSeries() - base.headSeries()));
        System.out.printf(
            "| %,d | `%s` | %,d | %.2f | %.3f | %.3f | %d | %,d | %d | %d | %s |%n",
            n,
            choice,
            cost.samples(),
            base == null ? Double.NaN : (cost.samples() - base.samples()) / (double) n,
            cost.firstScrape(),
            cost.laterScrapes(),
            cost.failed(),
            cost.headSeries(),
            cost.heapInuse() >> 20,
            cost.rss() >> 20,
            perSeries);
      }
    }
    System.out.printf("load at the end: %s%n", ServeJvm.Proc.load());
  }

  private static Cost measure(Path tree, Path dir, String choice, int scrapes) throws Exception {
    Path work = Files.createTempDirectory(dir, "prometheus-");
    try (ServeJvm serve =
        ServeJvm.start(
            tree,
            work.resolve("regscope.log"),
            List.of("-Xmx1g"),
            List.of("--scan-interval", "1h", "--tag-metrics", choice))) {
      serve.awaitScans(1, Duration.ofMinutes(20));
      int port = ServeJvm.freePort();
      Files.writeString(
          work.resolve("prometheus.yml"),
          """
          global:
            scrape_interval: 10s
            scrape_timeout: 10s
          scrape_configs:
            - job_name: regscope
              static_configs:
                - targets: ['127.0.0.1:%d']
          """
              .formatted(serve.port()));
      Process prometheus =
          new ProcessBuilder(
                  PROMETHEUS.toString(),
                  "--config.file=" + work.resolve("prometheus.yml"),
                  "--storage.tsdb.path=" + work.resolve("tsdb"),
                  "--web.listen-address=127.0.0.1:" + port,
                  "--log.level=warn")
              .redirectErrorStream(true)
              .redirectOutput(work.resolve("prometheus.log").toFile())
              .start();
      try {
        String api = "http://127.0.0.1:" + port;
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (scalar(api, "count_over_time(up{job=\"regscope\"}[1h])") < scrapes) {
          if (!prometheus.isAlive() || System.nanoTime() > deadline) {
            throw new IllegalStateException("Prometheus did not scrape " + scrapes + " times");
          }
          Thread.sleep(1000);
        }
        List<Double> durations = values(api, "scrape_duration_seconds{job=\"regscope\"}[1h]");
        List<Double> up = values(api, "up{job=\"regscope\"}[1h]");
        long samples =
            (long) scalar(api, "max_over_time(scrape_samples_scraped{job=\"regscope\"}[1h])");
        String own = get(api + "/metrics");
        return new Cost(
            choice,
            samples,
            durations.get(0),
            durations.subList(1, durations.size()).stream()
                .mapToDouble(Double::doubleValue)
                .average()
                .orElse(Double.NaN),
            (int) up.stream().filter(v -> v == 0).count(),
            (long) metric(own, "prometheus_tsdb_head_series"),
            (long) metric(own, "go_memstats_heap_inuse_bytes"),
            ServeJvm.Proc.rss(prometheus.pid()));
      } finally {
        prometheus.destroy();
        if (!prometheus.waitFor(30, TimeUnit.SECONDS)) {
          prometheus.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
      }
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static double metric(String text, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + " ([0-9.eE+]+)$").matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("no " + name + " on Prometheus's /metrics");
    }
    return Double.parseDouble(m.group(1));
  }

  private static JsonNode query(String api, String expr) throws IOException, InterruptedException {
    JsonNode answer =
        JSON.readTree(
            get(api + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)));
    return answer.path("data").path("result");
  }

  private static double scalar(String api, String expr) throws InterruptedException {
    try {
      JsonNode result = query(api, expr);
      return result.isEmpty() ? 0 : result.get(0).path("value").get(1).asDouble();
    } catch (IOException e) {
      return 0; // not ready yet
    }
  }

  private static List<Double> values(String api, String expr)
      throws IOException, InterruptedException {
    List<Double> out = new ArrayList<>();
    for (JsonNode point : query(api, expr).get(0).path("values")) {
      out.add(point.get(1).asDouble());
    }
    return out;
  }

  private static String get(String url) throws IOException, InterruptedException {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
