package dev.regscope.cli;

import static dev.regscope.testing.PromText.series;
import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.Main;
import dev.regscope.registry.BlobContent;
import dev.regscope.registry.ClientSettings;
import dev.regscope.registry.DistributionClient;
import dev.regscope.registry.RegistryAddress;
import dev.regscope.sample.SampleRegistry;
import dev.regscope.testing.PromText;
import dev.regscope.testing.RegistryProcess;
import dev.regscope.testing.RegscopeProcess;
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
 * {@code regscope probe} and {@code serve --probe-target} on the command line: bad input is one
 * line naming the value and exit code 2; a running probe serves its endpoints and, stopped with
 * SIGTERM, deletes this node's tags and nothing else.
 */
@Timeout(120)
class ProbeCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private void refusedWithOneLineNaming(String value, String... args) {
    assertThat(run(args)).as(String.join(" ", args)).isEqualTo(2);
    // One line naming the value, then the hint.
    assertThat(err.toString().strip().lines())
        .as(err.toString())
        .hasSize(2)
        .last()
        .asString()
        .startsWith("see 'regscope ");
    assertThat(err.toString().lines().findFirst().orElseThrow()).contains(value);
    err.getBuffer().setLength(0);
  }

  @Test
  void badInputAtStartIsOneLineNamingTheValueAndExitCode2() throws IOException {
    refusedWithOneLineNaming(
        "ftp://registry.example/p", "probe", "--target", "ftp://registry.example/p");
    refusedWithOneLineNaming("registry.example/p", "probe", "--target", "registry.example/p");
    refusedWithOneLineNaming(
        "Bad_Name", "probe", "--target", "https://registry.example/team/Bad_Name");
    Path missing = dir.resolve("no-such-password");
    refusedWithOneLineNaming(
        missing.toString(),
        "probe",
        "--target",
        "http://127.0.0.1:1/p",
        "--username",
        "u",
        "--password-file",
        missing.toString());
    refusedWithOneLineNaming(
        "--interval", "probe", "--target", "http://127.0.0.1:1/p", "--interval", "0");
    refusedWithOneLineNaming(
        "--timeout", "probe", "--target", "http://127.0.0.1:1/p", "--timeout", "0");
    refusedWithOneLineNaming(
        "--retries", "probe", "--target", "http://127.0.0.1:1/p", "--retries", "0");
    refusedWithOneLineNaming(
        "127.0.0.1:1",
        "probe",
        "--target",
        "http://127.0.0.1:1/a",
        "--target",
        "http://127.0.0.1:1/b");
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    refusedWithOneLineNaming(
        empty.toString(),
        "probe",
        "--target",
        "http://127.0.0.1:1/p",
        "--username",
        "u",
        "--password-file",
        empty.toString());
    Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
    refusedWithOneLineNaming(
        notPem.toString(),
        "probe",
        "--target",
        "https://127.0.0.1:1/p",
        "--ca-file",
        notPem.toString());
    Path storage = dir.resolve("registry");
    SampleRegistry.write(storage, SampleRegistry.Spec.SMALL);
    refusedWithOneLineNaming(
        "ftp://registry.example/p",
        "serve",
        "--probe-target",
        "ftp://registry.example/p",
        storage.toString());
    refusedWithOneLineNaming(
        "--probe-interval",
        "serve",
        "--probe-target",
        "http://127.0.0.1:1/p",
        "--probe-interval",
        "0",
        storage.toString());
  }

  @Test
  void aProbeProcessServesItsEndpointsAndOnSigtermDeletesOnlyItsNodesTags() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir.resolve("registry"))) {
      DistributionClient client =
          DistributionClient.create(
              RegistryAddress.parse(registry.baseUri().toString()), ClientSettings.defaults());
      byte[] config = "{}".getBytes();
      client.pushBlob("regscope/probe", BlobContent.of(config));
      client.putManifest(
          "regscope/probe",
          "keep-me",
          "application/vnd.oci.image.manifest.v1+json",
          ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                  + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                  + BlobContent.of(config).digest()
                  + "\",\"size\":2},\"layers\":[]}")
              .getBytes());
      int port = freePort();
      RegscopeProcess probe =
          RegscopeProcess.command(
              port,
              dir.resolve("probe.log"),
              List.of(
                  "probe",
                  "--bind",
                  "127.0.0.1",
                  "--port",
                  String.valueOf(port),
                  "--target",
                  registry.baseUri() + "regscope/probe",
                  "--interval",
                  "2s",
                  "--push-size",
                  "4KiB",
                  "--node",
                  "proc"));
      try {
        awaitStatus(probe.base() + "/-/ready", 200);
        awaitStatus(probe.base() + "/status", 200);
        Map<String, Double> metrics = PromText.parse(get(probe.base() + "/metrics").body());
        for (String type : List.of("authentication", "pull", "push", "metadata")) {
          assertThat(metrics)
              .containsEntry(
                  series(
                      "registry_exporter_success",
                      "tested_registry",
                      registry.baseUri().getRawAuthority(),
                      "node",
                      "proc",
                      "type",
                      type),
                  1.0);
        }
        assertThat(client.allTags("regscope/probe", 100))
            .containsExactlyInAnyOrder("pull", "push-proc", "metadata-proc", "keep-me");
      } finally {
        probe.terminate(Duration.ofSeconds(30));
      }
      assertThat(client.allTags("regscope/probe", 100))
          .containsExactlyInAnyOrder("pull", "keep-me");
      assertThat(Files.readString(dir.resolve("probe.log"))).contains("deleted");
    }
  }

  @Test
  void serveProbesTheRegistryNextToItOnItsOnePort() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir.resolve("registry"))) {
      int port = freePort();
      try (RegscopeProcess serve =
          RegscopeProcess.start(
              port,
              registry.storageRoot(),
              dir.resolve("serve.log"),
              "--probe-target",
              registry.baseUri() + "regscope/probe",
              "--probe-interval",
              "2s",
              "--probe-push-size",
              "4KiB",
              "--probe-node",
              "sidecar")) {
        awaitStatus(serve.base() + "/-/ready", 200);
        awaitStatus(serve.base() + "/status", 200);
        Map<String, Double> metrics = PromText.parse(get(serve.base() + "/metrics").body());
        assertThat(metrics)
            .containsEntry(
                series(
                    "registry_exporter_success",
                    "tested_registry",
                    registry.baseUri().getRawAuthority(),
                    "node",
                    "sidecar",
                    "type",
                    "push"),
                1.0);
        assertThat(metrics.keySet()).anyMatch(name -> name.startsWith("regscope_scan"));
      }
    }
  }

  /**
   * Waits until {@code url} answers {@code status}; {@code /status} needs pull and push successes
   * within two intervals, which a loaded machine may take a cycle or two to show.
   */
  private static void awaitStatus(String url, int status) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int last = 0;
    while (System.nanoTime() < deadline) {
      last = get(url).statusCode();
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
