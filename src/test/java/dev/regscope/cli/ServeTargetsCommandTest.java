package dev.regscope.cli;

import static dev.regscope.testing.PromText.series;
import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.testing.Htpasswd;
import dev.regscope.testing.PromText;
import dev.regscope.testing.RegistryProcess;
import dev.regscope.testing.RegistryTruth;
import dev.regscope.testing.RegscopeProcess;
import dev.regscope.testing.SampleRegistryScenario;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --targets-file} as a real process against real registries: every series labelled by
 * its registry, a target nobody answers failing on its own, the file read again when it changes and
 * a bad one refused while the last good targets go on.
 */
@Timeout(240)
class ServeTargetsCommandTest {
  @TempDir Path dir;

  @Test
  void serveTargetsLabelsEverySeriesAndReadsTheFileAgainWhenItChanges() throws Exception {
    Path passwords = Htpasswd.write(dir.resolve("htpasswd"), Map.of("scanner", "s3cret"));
    Path passwordFile = Files.writeString(dir.resolve("password"), "s3cret");
    RegistryTruth truthB;
    try (RegistryProcess plain = RegistryProcess.start(dir.resolve("b"))) {
      new SampleRegistryScenario(7).pushAll(plain.client());
      truthB = RegistryTruth.read(plain.client());
    }
    try (RegistryProcess a = RegistryProcess.start(dir.resolve("a"));
        RegistryProcess b =
            RegistryProcess.start(
                RegistryProcess.binaryOrSkip(),
                dir.resolve("b"),
                Htpasswd.registryYaml(passwords))) {
      new SampleRegistryScenario().pushAll(a.client());
      RegistryTruth truthA = RegistryTruth.read(a.client());
      Path targets = dir.resolve("targets.yaml");
      // c: nothing listens there; it fails on its own and never stops a or b.
      replace(
          targets,
          "- name: a\n  url: "
              + a.baseUri()
              + "\n- name: b\n  url: "
              + b.baseUri()
              + "team/app\n  username: scanner\n  passwordFile: "
              + passwordFile
              + "\n- name: c\n  url: http://127.0.0.1:"
              + freePort()
              + "\n");
      int port = freePort();
      Path log = dir.resolve("targets.log");
      try (RegscopeProcess serve =
          RegscopeProcess.command(
              port,
              log,
              List.of(
                  "serve",
                  "--bind",
                  "127.0.0.1",
                  "--port",
                  String.valueOf(port),
                  "--scan-interval",
                  "1s",
                  "--targets-file",
                  targets.toString(),
                  "--targets-file-check",
                  "200ms"))) {
        awaitStatus(serve.base() + "/-/ready", 200);
        Map<String, Double> metrics =
            awaitMetrics(serve, m -> m.containsKey(tags("b", "team/app")));
        for (String key : metrics.keySet()) {
          if (!key.startsWith("regscope_targets_file_")) {
            assertThat(key).matches(".*[{,]registry=\"[abc]\".*");
          }
        }
        // Ready waited for c's first scan, which failed after the client's retries.
        assertThat(
                metrics.get(
                    series(
                        "regscope_scan_failures_total", "reason", "read_error", "registry", "c")))
            .isGreaterThanOrEqualTo(1.0);
        assertThat(
                metrics.get(
                    series("regscope_api_errors_total", "registry", "c", "reason", "network")))
            .isEqualTo(
                metrics.get(
                    series(
                        "regscope_scan_failures_total", "reason", "read_error", "registry", "c")));
        assertThat(metrics.keySet())
            .noneMatch(k -> k.startsWith("repository_") && k.contains("registry=\"c\""));
        assertThat(metrics)
            .containsEntry(
                tags("a", "team/app"), (double) truthA.repositories().get("team/app").size())
            .containsEntry(
                tags("a", "base/alpine"), (double) truthA.repositories().get("base/alpine").size())
            .containsEntry(
                tags("b", "team/app"), (double) truthB.repositories().get("team/app").size())
            .doesNotContainKey(tags("b", "base/alpine"));

        replace(targets, "- name: a\n  url: " + a.baseUri() + "\n  include: 'v.*'\n");
        metrics =
            awaitMetrics(
                serve,
                m ->
                    m.keySet().stream().noneMatch(s -> s.contains("registry=\"b\""))
                        && m.getOrDefault(tags("a", "team/app"), 0.0) == 1.0);
        assertThat(metrics)
            .containsKey(
                series(
                    "repository_tag_size_bytes",
                    "registry",
                    "a",
                    "repository",
                    "team/app",
                    "tag",
                    "v1"))
            .containsEntry(tags("a", "base/alpine"), 0.0);

        replace(targets, "- name: a\n  url: [ not yaml\n");
        metrics =
            awaitMetrics(serve, m -> m.get("regscope_targets_file_last_reload_successful") == 0.0);
        assertThat(metrics)
            .containsEntry(series("regscope_targets_file_reloads_total", "result", "failure"), 1.0)
            .containsEntry(tags("a", "team/app"), 1.0);
        Thread.sleep(1_000); // five more looks at the unchanged bad file
        assertThat(
                Files.readAllLines(log).stream()
                    .filter(l -> l.contains("keeping the last good targets")))
            .hasSize(1)
            .allMatch(l -> l.contains(targets.toString()) && l.contains("not YAML"));
      }
    }
  }

  private static String tags(String registry, String repository) {
    return series("repository_tags_total", "registry", registry, "repository", repository);
  }

  /** Swaps the file in whole, as Kubernetes swaps a ConfigMap's files. */
  private static void replace(Path file, String content) throws IOException {
    Path next = Files.writeString(file.resolveSibling(file.getFileName() + ".next"), content);
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static Map<String, Double> awaitMetrics(
      RegscopeProcess serve, Predicate<Map<String, Double>> done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    Map<String, Double> last = Map.of();
    while (System.nanoTime() < deadline) {
      last = PromText.parse(get(serve.base() + "/metrics").body());
      if (done.test(last)) {
        return last;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("metrics never got there; last:\n" + last + "\n" + serve.logTail());
  }

  private static void awaitStatus(String url, int status) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int last = 0;
    while (System.nanoTime() < deadline) {
      try {
        last = get(url).statusCode();
      } catch (IOException e) {
        last = -1;
      }
      if (last == status) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(url + " answered " + last + ", not " + status);
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
