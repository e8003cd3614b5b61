package dev.regscope.cli;

import static dev.regscope.testing.PromText.series;
import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.server.Endpoints;
import dev.regscope.storage.StorageLayout;
import dev.regscope.storage.TreeReader;
import dev.regscope.testing.ForwardingTreeReader;
import dev.regscope.testing.HangingTreeReader;
import dev.regscope.testing.PromText;
import dev.regscope.testing.RegistryTree;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code regscope serve} in this JVM with a storage reader that fails on cue (the faulty file
 * system of the style guide): a read that never returns, and an {@link Error} in the scan thread.
 */
@Timeout(120)
class ServeCommandTest {
  @TempDir Path dir;

  private RegistryTree tree;
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private PrintStream stderr;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void tree() {
    tree = RegistryTree.at(dir.resolve("registry/docker/registry/v2"));
    tree.repo("app").tag("v1", RegistryTree.image(tree.layer(10)));
    // slf4j-simple writes to whatever System.err is at each line.
    stderr = System.err;
    System.setErr(new PrintStream(new TeeStream(stderr, log), true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setErr(stderr);
  }

  private record Running(ServeCommand command, CompletableFuture<Integer> exit) {}

  private Running serve(UnaryOperator<TreeReader> readers, String... options) throws Exception {
    ServeCommand command = new ServeCommand(readers);
    List<String> args = new java.util.ArrayList<>(List.of("--bind", "127.0.0.1", "--port", "0"));
    args.addAll(List.of(options));
    args.add(dir.resolve("registry").toString());
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(
            () -> new CommandLine(command).execute(args.toArray(String[]::new)));
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (command.server == null && !exit.isDone() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(command.server).as("serve started").isNotNull();
    return new Running(command, exit);
  }

  private Map<String, Double> scrape(Running running) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + running.command().server.port() + Endpoints.METRICS))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return PromText.parse(response.body());
  }

  private Map<String, Double> awaitMetrics(Running running, Predicate<Map<String, Double>> until)
      throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    Map<String, Double> metrics = scrape(running);
    while (!until.test(metrics) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      metrics = scrape(running);
    }
    assertThat(until.test(metrics)).as("metrics reached the state awaited: %s", metrics).isTrue();
    return metrics;
  }

  @Test
  void aReadThatNeverReturnsIsAbandonedCountedAndLoggedWhileTheLastSnapshotStays()
      throws Exception {
    StorageLayout layout = StorageLayout.at(tree.root());
    HangingTreeReader[] hanging = new HangingTreeReader[1];
    Running running =
        serve(
            reader -> hanging[0] = new HangingTreeReader(reader),
            "--scan-interval",
            "200ms",
            "--scan-timeout",
            "1s");
    try {
      awaitMetrics(running, m -> m.getOrDefault("regscope_scans_total", 0.0) >= 1);
      // The network mount hangs: the next scans wait forever reading the tags of app.
      hanging[0].hangOn(StorageLayout.tagsDir(layout.repository("app")));

      Map<String, Double> metrics =
          awaitMetrics(
              running,
              m ->
                  m.getOrDefault(series("regscope_scan_failures_total", "reason", "timeout"), 0.0)
                      >= 2);

      // The last good snapshot stays published, and its age shows that no scan completes.
      assertThat(metrics).containsEntry(series("repository_tags_total", "repository", "app"), 1.0);
      assertThat(metrics.get("regscope_snapshot_age_seconds")).isGreaterThanOrEqualTo(1.0);
      assertThat(metrics).containsEntry("regscope_scan_timeout_seconds", 1.0);
      assertThat(hanging[0].stuck()).isGreaterThanOrEqualTo(2);
      assertThat(log.toString(StandardCharsets.UTF_8))
          .contains("scan failed (timeout)")
          .contains("scan abandoned after 1 s")
          .contains(StorageLayout.tagsDir(layout.repository("app")).toString());
    } finally {
      hanging[0].release();
      running.command().stop.countDown();
    }
    assertThat(running.exit().get(30, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void anErrorInTheScanThreadEndsServeWithExitCode1() throws Exception {
    StorageLayout layout = StorageLayout.at(tree.root());
    int[] walks = {0};
    Running running =
        serve(
            reader ->
                new ForwardingTreeReader(reader) {
                  @Override
                  public List<Entry> list(Path path) throws IOException {
                    if (path.equals(layout.repositories()) && ++walks[0] == 2) {
                      throw new OutOfMemoryError("Java heap space (injected)");
                    }
                    return super.list(path);
                  }
                },
            "--scan-interval",
            "200ms");

    // No stop asked: the fatal error alone ends it, with a code that makes Kubernetes restart it.
    assertThat(running.exit().get(60, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(log.toString(StandardCharsets.UTF_8))
        .contains("fatal error in the scan thread")
        .contains("Java heap space (injected)");
  }

  /** Writes to two streams. */
  private static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream first;
    private final java.io.OutputStream second;

    TeeStream(java.io.OutputStream first, java.io.OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public synchronized void write(int b) throws IOException {
      first.write(b);
      second.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
      first.write(b, off, len);
      second.write(b, off, len);
    }
  }
}
