package dev.regscope.server;

import static dev.regscope.testing.PromText.series;
import static dev.regscope.testing.RegistryTree.image;
import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.metrics.ExpositionPublisher;
import dev.regscope.metrics.SeriesFilter;
import dev.regscope.model.ScanState;
import dev.regscope.scan.OnDemandScans;
import dev.regscope.scan.PeriodicScans;
import dev.regscope.scan.Scanner;
import dev.regscope.scan.SnapshotSource;
import dev.regscope.storage.NioTreeReader;
import dev.regscope.storage.TreeReader;
import dev.regscope.testing.ForwardingTreeReader;
import dev.regscope.testing.PromText;
import dev.regscope.testing.RegistryTree;
import dev.regscope.testing.Scans;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The real HTTP server on 127.0.0.1: metrics, gzip, health and readiness. */
@Timeout(120)
class MetricsServerTest {
  // HTTP/1.1: an HTTP/2 upgrade attempt would hold concurrent requests back until the first one
  // answers.
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final ExpositionPublisher publisher = new ExpositionPublisher(SeriesFilter.ALL);

  /** A source whose state the test sets, standing in for the scheduler (not under test here). */
  private final class FixedSource implements SnapshotSource {
    final AtomicReference<ScanState> state = new AtomicReference<>(ScanState.EMPTY);

    void publish(ScanState next) {
      state.set(next);
      publisher.accept(next);
    }

    @Override
    public ScanState current() {
      return state.get();
    }
  }

  private HttpResponse<byte[]> get(MetricsServer server, String path, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void readyOnlyAfterTheFirstCompleteScanHealthyAlways(@TempDir Path dir) throws Exception {
    RegistryTree tree = RegistryTree.at(dir);
    tree.repo("app").tag("v1", image(tree.layer(10)));
    FixedSource source = new FixedSource();
    try (MetricsServer server =
        MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), source, publisher)) {
      assertThat(get(server, Endpoints.READY).statusCode()).isEqualTo(503);
      assertThat(get(server, Endpoints.HEALTHY).statusCode()).isEqualTo(200);
      assertThat(new String(get(server, Endpoints.METRICS).body(), StandardCharsets.UTF_8))
          .doesNotContain("repository_tags_total{");

      source.publish(ScanState.EMPTY.after(Scans.scan(tree)));

      assertThat(get(server, Endpoints.READY).statusCode()).isEqualTo(200);
      HttpResponse<byte[]> metrics = get(server, Endpoints.METRICS);
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
      assertThat(PromText.parse(new String(metrics.body(), StandardCharsets.UTF_8)))
          .containsEntry(
              series("repository_tag_size_bytes", "repository", "app", "tag", "v1"), 10.0);
    }
  }

  private HttpResponse<String> send(MetricsServer server, String method, String path)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void onlyTheExactPathsAnswerAndOnlyToTheirMethods() throws Exception {
    FixedSource source = new FixedSource();
    try (MetricsServer server =
        MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), source, publisher)) {
      for (String near :
          List.of("/metricsfoo", "/metrics;x", "/metrics/", "/metrics/x", "/-/healthyx", "/")) {
        HttpResponse<String> response = send(server, "GET", near);
        assertThat(response.statusCode()).as(near).isEqualTo(404);
        assertThat(response.body()).as(near).doesNotContain("regscope_scans_total");
      }
      assertThat(send(server, "GET", "/metrics?debug=1").statusCode()).isEqualTo(200);
      assertThat(send(server, "HEAD", Endpoints.HEALTHY).statusCode()).isEqualTo(200);

      for (String path : List.of(Endpoints.HEALTHY, Endpoints.READY, Endpoints.METRICS)) {
        for (String method : List.of("POST", "PUT", "DELETE")) {
          HttpResponse<String> refused = send(server, method, path);
          assertThat(refused.statusCode()).as("%s %s", method, path).isEqualTo(405);
          assertThat(refused.headers().firstValue("Allow")).hasValue("GET, HEAD");
        }
      }
    }
  }

  @Test
  void readyOnlyOnceTheFirstScanIsRenderedIntoMetrics(@TempDir Path dir) throws Exception {
    RegistryTree tree = RegistryTree.at(dir);
    tree.repo("app").tag("v1", image(tree.layer(10)));
    CountDownLatch rendering = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // Rendering a large registry takes seconds; this one waits for the test instead.
    java.util.function.Consumer<ScanState> slowRender =
        state -> {
          rendering.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          publisher.accept(state);
        };
    try (PeriodicScans scans =
            new PeriodicScans(
                new Scanner(tree.layout(), new NioTreeReader(), Scans.CLOCK, p -> {}),
                java.time.Duration.ofHours(1),
                slowRender);
        MetricsServer server =
            MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), scans, publisher)) {
      rendering.await();
      assertThat(get(server, Endpoints.READY).statusCode()).isEqualTo(503);
      assertThat(new String(get(server, Endpoints.METRICS).body(), StandardCharsets.UTF_8))
          .doesNotContain("repository_tags_total{");

      release.countDown();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (get(server, Endpoints.READY).statusCode() != 200 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(
              PromText.parse(
                  new String(get(server, Endpoints.METRICS).body(), StandardCharsets.UTF_8)))
          .containsEntry(series("repository_tags_total", "repository", "app"), 1.0);
    }
  }

  @Test
  void gzipWhenAsked(@TempDir Path dir) throws Exception {
    RegistryTree tree = RegistryTree.at(dir);
    tree.repo("app").tag("v1", image(tree.layer(10)));
    FixedSource source = new FixedSource();
    source.publish(ScanState.EMPTY.after(Scans.scan(tree)));
    try (MetricsServer server =
        MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), source, publisher)) {
      HttpResponse<byte[]> response = get(server, Endpoints.METRICS, "Accept-Encoding", "gzip");

      assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
      String text =
          new String(
              new GZIPInputStream(new ByteArrayInputStream(response.body())).readAllBytes(),
              StandardCharsets.UTF_8);
      assertThat(PromText.parse(text))
          .containsEntry(series("repository_tags_total", "repository", "app"), 1.0);
    }
  }

  @Test
  void scanOnScrapeRunsOneWalkForConcurrentScrapes(@TempDir Path dir) throws Exception {
    RegistryTree tree = RegistryTree.at(dir);
    tree.repo("app").tag("v1", image(tree.layer(200)));
    CountDownLatch release = new CountDownLatch(1);
    // The first walk waits at its first listing until the test has seen the other scrapes join it.
    TreeReader gated =
        new ForwardingTreeReader(new NioTreeReader()) {
          @Override
          public List<Entry> list(Path path) throws IOException {
            try {
              release.await();
            } catch (InterruptedException e) {
              throw new IOException(e);
            }
            return super.list(path);
          }
        };
    OnDemandScans source =
        new OnDemandScans(new Scanner(tree.layout(), gated, Scans.CLOCK, p -> {}), publisher);
    try (MetricsServer server =
        MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), source, publisher)) {
      assertThat(get(server, Endpoints.READY).statusCode()).isEqualTo(503);
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<HttpResponse<byte[]>>> responses = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        responses.add(pool.submit(() -> get(server, Endpoints.METRICS)));
      }
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (source.waitingCallers() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(source.waitingCallers()).isEqualTo(3);
      release.countDown();
      for (Future<HttpResponse<byte[]>> response : responses) {
        assertThat(PromText.parse(new String(response.get().body(), StandardCharsets.UTF_8)))
            .containsEntry(
                series("repository_tag_size_bytes", "repository", "app", "tag", "v1"), 200.0);
      }
      pool.shutdown();
      assertThat(source.scans()).isEqualTo(1);
      assertThat(get(server, Endpoints.READY).statusCode()).isEqualTo(200);
      get(server, Endpoints.METRICS);
      assertThat(source.scans()).isEqualTo(2);
    }
  }
}
