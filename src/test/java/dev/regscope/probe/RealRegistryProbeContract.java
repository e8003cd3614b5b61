package dev.regscope.probe;

import static dev.regscope.testing.PromText.series;
import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.core.Digest;
import dev.regscope.manifest.Descriptor;
import dev.regscope.manifest.ManifestParser;
import dev.regscope.registry.BlobContent;
import dev.regscope.registry.ClientSettings;
import dev.regscope.registry.DistributionClient;
import dev.regscope.registry.RegistryAddress;
import dev.regscope.registry.RepositoryUrl;
import dev.regscope.server.MetricsServer;
import dev.regscope.testing.PromText;
import dev.regscope.testing.RegistryProcess;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The four probe tests against Debian's docker-registry 2.8 in one auth setup (the subclasses): all
 * pass cycle after cycle; what the registry then holds, and what it answers for the images the
 * probes report, are the expected values; shutdown deletes this node's tags and no other.
 */
@Timeout(180)
abstract class RealRegistryProbeContract {
  static final String REPO = "regscope/probe";
  static final String NODE = "node-1";
  static final int CYCLES = 3;

  @TempDir Path dir;
  RegistryProcess registry;

  /** Starts the registry of this setup (and what it needs) in {@code dir}. */
  abstract RegistryProcess start(Path dir);

  /** The client settings that carry this setup's credentials. */
  abstract ClientSettings access();

  /** The settings of the test's own client, another user where the setup has users. */
  ClientSettings otherAccess() {
    return access();
  }

  /** What this setup checks after the cycles (token counts). */
  void afterCycles(int cycles) {}

  @AfterEach
  void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  ProbeSettings settings() {
    return new ProbeSettings(
        Duration.ofMinutes(1), Duration.ofSeconds(20), 2, Duration.ofMillis(50), 96 * 1024, NODE);
  }

  DistributionClient client() throws Exception {
    return DistributionClient.create(
        RegistryAddress.parse(registry.baseUri().toString()),
        access().withTimeout(Duration.ofSeconds(20)));
  }

  @Test
  void allFourTestsPassEveryCycleAndOnlyTheProbesTagsAndContentChange() throws Exception {
    registry = start(dir);
    DistributionClient other = client();
    // Tags the probes must never touch: another image, and another node's push tag.
    byte[] config = "{\"someone\":\"else\"}".getBytes();
    other.pushBlob(REPO, BlobContent.of(config));
    byte[] foreign =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                + "\"digest\":\""
                + BlobContent.of(config).digest()
                + "\",\"size\":"
                + config.length
                + "},\"layers\":[]}")
            .getBytes();
    Digest foreignDigest =
        other.putManifest(REPO, "keep-me", "application/vnd.oci.image.manifest.v1+json", foreign);
    other.putManifest(REPO, "push-node-2", "application/vnd.oci.image.manifest.v1+json", foreign);

    ProbeTarget target = new ProbeTarget(RepositoryUrl.parse(registry.baseUri() + REPO));
    // Chunks of 32 KiB: the 48 KiB layers go up by PATCH.
    try (Probes probes =
            Probes.create(
                List.of(target),
                settings(),
                access().withUploadChunkSize(32 * 1024),
                Clock.systemUTC());
        MetricsServer server =
            probes.addTo(MetricsServer.builder(new InetSocketAddress("127.0.0.1", 0))).start()) {
      assertThat(get(server, "/-/ready").statusCode()).isEqualTo(503);
      Optional<Digest> previousPush = Optional.empty();
      for (int cycle = 1; cycle <= CYCLES; cycle++) {
        probes.runCycle();
        Map<String, Double> series = PromText.parse(get(server, "/metrics").body());
        for (ProbeType type : ProbeType.values()) {
          String[] labels = {
            "tested_registry", target.testedRegistry(), "node", NODE, "type", type.label()
          };
          assertThat(series)
              .as("%s in cycle %d", type, cycle)
              .containsEntry(series("registry_exporter_success", labels), 1.0);
          assertThat(series)
              .containsEntry(
                  series("registry_exporter_duration_seconds_count", labels), (double) cycle);
          assertThat(series)
              .containsEntry(
                  series(
                      "regscope_probe_duration_seconds_count",
                      "target",
                      target.label(),
                      "type",
                      type.label(),
                      "result",
                      "failure"),
                  0.0);
        }
        // The sizes are what the registry's manifests say of their layers.
        assertThat(series)
            .containsEntry(
                series(
                    "registry_exporter_image_size_mbytes",
                    "tested_registry",
                    target.testedRegistry(),
                    "node",
                    NODE,
                    "type",
                    "pull"),
                layerBytes(other, "pull") / 1048576.0);
        assertThat(series)
            .containsEntry(
                series(
                    "registry_exporter_image_size_mbytes",
                    "tested_registry",
                    target.testedRegistry(),
                    "node",
                    NODE,
                    "type",
                    "push"),
                layerBytes(other, "push-" + NODE) / 1048576.0);
        HttpResponse<String> status = get(server, "/status");
        assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
        assertThat(get(server, "/-/ready").statusCode()).isEqualTo(200);

        // :metadata-<node> is :pull's manifest, byte for byte.
        assertThat(other.headManifest(REPO, "metadata-" + NODE).orElseThrow().digest())
            .isEqualTo(other.headManifest(REPO, "pull").orElseThrow().digest());
        // The push this cycle replaced is gone, manifest and layers.
        Digest pushed = other.headManifest(REPO, "push-" + NODE).orElseThrow().digest();
        if (previousPush.isPresent()) {
          assertThat(pushed).isNotEqualTo(previousPush.get());
          assertThat(other.headManifest(REPO, previousPush.get().toString())).isEmpty();
        }
        previousPush = Optional.of(pushed);
        assertThat(other.allTags(REPO, 100))
            .containsExactlyInAnyOrder(
                "pull", "push-" + NODE, "metadata-" + NODE, "keep-me", "push-node-2");
      }
      afterCycles(CYCLES);
    }
    // Closed: this node's tags are deleted, nothing else.
    assertThat(other.allTags(REPO, 100))
        .containsExactlyInAnyOrder("pull", "keep-me", "push-node-2");
    assertThat(other.headManifest(REPO, "keep-me").orElseThrow().digest()).isEqualTo(foreignDigest);
    assertThat(other.getManifest(REPO, "pull").size()).isPositive();
  }

  private static long layerBytes(DistributionClient client, String tag) throws Exception {
    return ManifestParser.parse(client.getManifest(REPO, tag).bytes()).layers().stream()
        .mapToLong(Descriptor::size)
        .sum();
  }

  static HttpResponse<String> get(MetricsServer server, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  static String text(Probes probes) throws Exception {
    try (InputStream in = probes.exposition().open(false)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
