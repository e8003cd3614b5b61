package dev.regscope.cli;

import static dev.regscope.testing.PromText.series;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regscope.Main;
import dev.regscope.sample.SampleRegistry;
import dev.regscope.testing.FaultProxy;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registry URLs on the command line: bad input is one line naming the value and exit code 2; {@code
 * scan URL} prints the tag view and JSON the registry's answers agree with; a refused catalog asks
 * for repositories by name; {@code serve URL} as a real process.
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
    // One line naming the value, then the hint.
    assertThat(err.toString().strip().lines())
        .as(err.toString())
        .hasSize(2)
        .last()
        .asString()
        .startsWith("see 'regscope ");
    assertThat(err.toString().lines().findFirst().orElseThrow()).contains(value);
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
        // /-/ready may answer a moment before the first scan is rendered (issue 11 closes that
        // gap).
        Map<String, Double> metrics = Map.of();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!metrics.containsKey(series("regscope_scans_total"))
            || metrics.get(series("regscope_scans_total")) < 1) {
          assertThat(System.nanoTime()).as("a first scan on /metrics").isLessThan(deadline);
          Thread.sleep(100);
          metrics = PromText.parse(get(serve.base() + "/metrics").body());
        }
        assertThat(metrics)
            .containsEntry(series("repository_tags_total", "repository", "team/app"), 3.0)
            .containsKey(series("regscope_api_requests_total", "method", "HEAD", "code", "200"));
        assertThat(metrics.keySet())
            .noneMatch(
                s -> s.startsWith("repository_revisions_total") || s.startsWith("regscope_gc_"));
      }
    }
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
