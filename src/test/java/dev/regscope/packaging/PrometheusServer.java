package dev.regscope.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Debian's Prometheus ({@code /usr/bin/prometheus}, 2.42) as a child process on 127.0.0.1, its
 * database in a folder the test owns, scraping the given targets every second and evaluating the
 * given rule files every second; queried through its HTTP API.
 */
final class PrometheusServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Process process;
  private final Path log;
  private final String base;

  private PrometheusServer(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.base = "http://127.0.0.1:" + port;
  }

  /** One answer of {@code /api/v1/query}: its status, error if any, and how many series. */
  record Answer(String status, String error, int series, String body) {}

  /**
   * Starts Prometheus in {@code home} (which already holds {@code ruleFiles}) and waits until it is
   * ready.
   */
  static PrometheusServer start(
      Path binary, Path home, List<String> ruleFiles, List<String> targets) throws IOException {
    Path config = home.resolve("prometheus.yml");
    Files.writeString(
        config,
        """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
          evaluation_interval: 1s
        rule_files: [%s]
        scrape_configs:
          - job_name: regscope
            static_configs:
              - targets: [%s]
        """
            .formatted(
                ruleFiles.stream().map(f -> "'" + f + "'").collect(Collectors.joining(", ")),
                targets.stream().map(t -> "'" + t + "'").collect(Collectors.joining(", "))));
    int port = LiveDeployment.freePort();
    Path log = home.resolve("prometheus.log");
    Process process =
        new ProcessBuilder(
                binary.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + home.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
            .directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    PrometheusServer prometheus = new PrometheusServer(process, log, port);
    try {
      prometheus.awaitReady();
    } catch (RuntimeException | Error e) {
      prometheus.close();
      throw e;
    }
    return prometheus;
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("prometheus exited with " + process.exitValue() + ":\n" + log());
      }
      try {
        HttpResponse<Void> ready =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/-/ready"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (ready.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted");
      }
      sleep(200);
    }
    throw new AssertionError("prometheus was not ready within 60 s:\n" + log());
  }

  /** An instant query at the current time. */
  Answer query(String expr) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create(
                          base
                              + "/api/v1/query?query="
                              + URLEncoder.encode(expr, StandardCharsets.UTF_8)))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(response.body());
      JsonNode result = body.path("data").path("result");
      int series =
          result.isArray()
              ? result.size()
              : body.path("data").path("resultType").isMissingNode() ? 0 : 1;
      return new Answer(
          body.path("status").asText(), body.path("error").asText(), series, response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }

  /** Polls {@code expr} until it answers data, or fails after {@code wait}. */
  void awaitData(String expr, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    Answer last = null;
    while (System.nanoTime() < deadline) {
      last = query(expr);
      if (last.status().equals("success") && last.series() > 0) {
        return;
      }
      sleep(500);
    }
    throw new AssertionError(
        "no data for " + expr + " within " + wait + ": " + last + "\n" + log());
  }

  String log() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
