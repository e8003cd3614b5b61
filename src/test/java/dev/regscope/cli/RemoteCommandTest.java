package dev.regscope.cli;

import static dev.regscope.testing.PromText.series;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regscope.Main;
import dev.regscope.sample.SampleRegistry;
import dev.regscope.testing.FaultProxy;
import dev.regscope.testing.Htpasswd;
import dev.regscope.testing.PromText;
import dev.regscope.testing.RegistryProcess;
import dev.regscope.testing.RegistryTruth;
import dev.regscope.testing.RegscopeProcess;
import dev.regscope.testing.SampleRegistryScenario;
import dev.regscope.testing.TagTruth;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
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
 * Registry URLs on the command line: bad input is one line naming the value and exit code 2; {@code
 * scan URL} prints the tag view and JSON the registry's answers agree with; a refused catalog asks
 * for repositories by name; {@code serve URL} and {@code serve --targets-file} as real processes,
 * the file read again when it changes and a bad one refused while the last good targets go on.
 */
@Timeout(240)
class RemoteCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private void refusedWithOneLineNaming(String value, String... args) {
    assertThat(run(args)).as(String.join(" ", args) + ": " + err).isEqualTo(2);
    assertThat(err.toString().strip().lines()).as(err.toString()).hasSize(1);
    assertThat(err.toString()).contains(value);
  }

  @Test
  void badInputAtStartIsOneLineNamingTheValueAndExitCode2() throws IOException {
    refusedWithOneLineNaming(
        "registry.example.com/team/app", "scan", "registry.example.com/team/app");
    refusedWithOneLineNaming("localhost:5000", "scan", "localhost:5000");
    refusedWithOneLineNaming("no scheme", "report", "localhost:5000/team/app");
    refusedWithOneLineNaming("ftp://registry.example", "scan", "ftp://registry.example");
    Path missing = dir.resolve("no-such-password");
    refusedWithOneLineNaming(
        missing.toString(),
        "scan",
        "http://127.0.0.1:1",
        "--username",
        "u",
        "--password-file",
        missing.toString());
    Path notYaml = Files.writeString(dir.resolve("bad.yaml"), "- url: [\n");
    refusedWithOneLineNaming(notYaml.toString(), "serve", "--targets-file", notYaml.toString());
    Path badKeep =
        Files.writeString(dir.resolve("keep.yaml"), "- url: http://127.0.0.1:1\n  keep: 0\n");
    refusedWithOneLineNaming("keep", "serve", "--targets-file", badKeep.toString());
    refusedWithOneLineNaming(
        "missing.yaml", "serve", "--targets-file", dir.resolve("missing.yaml").toString());
    Path good = Files.writeString(dir.resolve("good.yaml"), "- url: http://127.0.0.1:1\n");
    refusedWithOneLineNaming(
        "not both", "serve", "--targets-file", good.toString(), "http://127.0.0.1:1");
    refusedWithOneLineNaming("missing SOURCE", "serve");
    Path storage = dir.resolve("storage");
    SampleRegistry.write(storage, SampleRegistry.Spec.SMALL);
    refusedWithOneLineNaming(
        "--repository", "scan", storage.toString(), "--repository", "team/app");
    refusedWithOneLineNaming(
        "--api-concurrency", "scan", "http://127.0.0.1:1", "--api-concurrency", "0");
    refusedWithOneLineNaming("Bad_Name", "scan", "http://127.0.0.1:1/Bad_Name");
  }

  @Test
  void scanAndReportReadTheRegistrysApiAndARefusedCatalogAsksForNames() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir.resolve("registry"));
        FaultProxy proxy = FaultProxy.start(registry.baseUri())) {
      new SampleRegistryScenario().pushAll(registry.client());
      RegistryTruth truth = RegistryTruth.read(registry.client());
      String url = registry.baseUri().toString();

      assertThat(run("scan", url)).as(err.toString()).isZero();
      String table = out.toString();
      assertThat(table.lines().findFirst().orElseThrow())
          .contains("REPOSITORY", "TAG", "DIGEST", "TYPE", "SIZE", "LAYERS", "PLATFORMS");
      truth
          .repositories()
          .forEach(
              (repository, tags) ->
                  tags.forEach(
                      (tag, expected) ->
                          assertThat(table)
                              .containsPattern(
                                  "(?m)^"
                                      + repository
                                      + " +"
                                      + java.util.regex.Pattern.quote(tag)
                                      + " +"
                                      + expected.digest().substring(0, 19)
                                      + " ")));

      assertThat(run("scan", url, "--format", "json")).isZero();
      JsonNode json = new ObjectMapper().readTree(out.toString());
      int compared = 0;
      for (JsonNode repository : json.path("repositories")) {
        for (JsonNode tag : repository.path("tags")) {
          TagTruth expected =
              truth.tag(repository.path("name").asText(), tag.path("name").asText());
          assertThat(tag.path("digest").asText()).isEqualTo(expected.digest());
          assertThat(tag.path("mediaType").asText()).isEqualTo(expected.mediaType());
          assertThat(tag.path("layers").asLong()).isEqualTo(expected.layers());
          assertThat(tag.path("sizeBytes").asLong()).isEqualTo(expected.sizeBytes());
          assertThat(tag.path("platforms").size())
              .isEqualTo(
                  (int) expected.platforms().stream().map(p -> p.platform()).distinct().count());
          compared++;
        }
      }
      assertThat(compared)
          .isEqualTo(truth.repositories().values().stream().mapToInt(Map::size).sum());

      assertThat(run("report", url)).isZero();
      assertThat(out.toString())
          .contains("Read over the registry's HTTP API")
          .doesNotContain("garbage-collect");
      assertThat(run("report", url, "--format", "json")).isZero();
      JsonNode report = new ObjectMapper().readTree(out.toString());
      assertThat(report.path("coverage").path("revisions").asBoolean()).isFalse();
      assertThat(report.has("garbageCollection")).isFalse();

      proxy.answerFor("/v2/_catalog", 404);
      String proxied = proxy.baseUri().toString();
      assertThat(run("scan", proxied)).isEqualTo(1);
      assertThat(err.toString().strip().lines()).hasSize(1);
      assertThat(err.toString()).contains("does not list its repositories", "--repository");
      assertThat(run("scan", proxied, "--repository", "team/app", "--format", "json")).isZero();
      assertThat(new ObjectMapper().readTree(out.toString()).path("repositories").size())
          .isEqualTo(1);
    }
  }

  @Test
  void serveReadsARegistryUrlInItsOwnProcess() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir.resolve("registry"))) {
      new SampleRegistryScenario().pushAll(registry.client());
      int port = freePort();
      try (RegscopeProcess serve =
          RegscopeProcess.command(
              port,
              dir.resolve("serve.log"),
              List.of(
                  "serve",
                  "--bind",
                  "127.0.0.1",
                  "--port",
                  String.valueOf(port),
                  registry.baseUri().toString()))) {
        awaitStatus(serve.base() + "/-/ready", 200);
        Map<String, Double> metrics = PromText.parse(get(serve.base() + "/metrics").body());
        assertThat(metrics)
            .containsEntry(series("repository_tags_total", "repository", "team/app"), 3.0)
            .containsKey(series("regscope_api_requests_total", "method", "HEAD", "code", "200"));
        assertThat(metrics.keySet())
            .noneMatch(
                s -> s.startsWith("repository_revisions_total") || s.startsWith("regscope_gc_"));
      }
    }
  }

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
        assertThat(metrics.get(series("regscope_scan_failures_total", "registry", "c")))
            .isGreaterThanOrEqualTo(1.0);
        assertThat(
                metrics.get(
                    series("regscope_api_errors_total", "registry", "c", "reason", "network")))
            .isEqualTo(metrics.get(series("regscope_scan_failures_total", "registry", "c")));
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
