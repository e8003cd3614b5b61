package dev.regscope;

import static dev.regscope.testing.PromText.series;
import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.testing.Fifo;
import dev.regscope.testing.PromText;
import dev.regscope.testing.RegistryTree;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage faults that stopped scanning or made lost storage look like an empty registry,
 * reproduced as they were found: FIFOs on a real Linux folder, and {@code repositories/} or the
 * whole tree moved away under a running {@code regscope serve}.
 */
@Timeout(180)
class StorageFaultsTest {
  @TempDir Path dir;

  private Path storageRoot;
  private RegistryTree tree;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void registry() {
    storageRoot = dir.resolve("registry");
    tree = RegistryTree.at(storageRoot.resolve("docker/registry/v2"));
    tree.repo("app").tag("v1", RegistryTree.image(tree.layer(100)));
  }

  private int run(String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private Map<String, Double> awaitMetrics(
      RegscopeProcess regscope, Predicate<Map<String, Double>> until) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      Map<String, Double> metrics =
          PromText.parse(
              http.send(
                      HttpRequest.newBuilder(URI.create(regscope.base() + "/metrics")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      if (until.test(metrics)) {
        return metrics;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("metrics never reached the state awaited: " + metrics);
      }
      Thread.sleep(100);
    }
  }

  private static double scans(Map<String, Double> metrics) {
    return metrics.getOrDefault("regscope_scans_total", 0.0);
  }

  private static double failures(Map<String, Double> metrics, String reason) {
    return metrics.getOrDefault(series("regscope_scan_failures_total", "reason", reason), 0.0);
  }

  @Test
  void fifosInPlaceOfAManifestALinkAndAnUploadStartAreCountedAndTheScanEnds() {
    RegistryTree.Repo app = tree.repo("app");
    RegistryTree.Manifest manifest = RegistryTree.image(tree.layer(200));
    app.tag("fifo-manifest", manifest);
    Fifo.at(tree.blobData(manifest.digest()));
    Fifo.at(app.currentLink("fifo-link"));
    Path upload = tree.upload("app", "c0ffee", new byte[50], null);
    Fifo.at(upload.resolve("startedat"));

    // Opening any of the three used to wait for a writer forever; the class's timeout fails that.
    assertThat(run("scan", "--format", "prometheus", storageRoot.toString())).isZero();

    Map<String, Double> metrics = PromText.parse(out.toString());
    assertThat(metrics)
        .containsEntry(series("regscope_scan_problems", "reason", "special_file"), 2.0)
        .containsEntry(
            series("regscope_broken_tags", "repository", "app", "reason", "special_file"), 2.0)
        .containsEntry(series("repository_tag_size_bytes", "repository", "app", "tag", "v1"), 100.0)
        .containsEntry(series("repository_uploads_in_progress", "repository", "app"), 1.0);
  }

  @Test
  void aFifoThatAppearsWhileServingIsCountedAndScanningGoesOn() throws Exception {
    Path log = dir.resolve("regscope.log");
    try (RegscopeProcess regscope =
        RegscopeProcess.start(freePort(), storageRoot, log, "--scan-interval", "300ms")) {
      double before = scans(awaitMetrics(regscope, m -> scans(m) >= 1));

      Fifo.at(tree.repo("app").currentLink("late"));

      Map<String, Double> after =
          awaitMetrics(
              regscope,
              m ->
                  scans(m) >= before + 3
                      && m.getOrDefault(
                              series("regscope_scan_problems", "reason", "special_file"), 0.0)
                          == 1.0);
      assertThat(after)
          .containsEntry(
              series("regscope_broken_tags", "repository", "app", "reason", "special_file"), 1.0);
    }
    assertThat(Files.readString(log)).contains("special_file").contains("late/current/link");
  }

  @Test
  void storageMovedAwayWhileServingIsAFailedScanNotAnEmptyRegistry() throws Exception {
    Path log = dir.resolve("regscope.log");
    Path v2 = tree.root();
    try (RegscopeProcess regscope =
        RegscopeProcess.start(freePort(), storageRoot, log, "--scan-interval", "300ms")) {
      awaitMetrics(regscope, m -> scans(m) >= 1);

      Files.move(v2.resolve("repositories"), v2.resolve("repositories.moved"));
      Map<String, Double> lost = awaitMetrics(regscope, m -> failures(m, "storage_vanished") >= 2);
      // Every series of the last good scan is still there.
      assertThat(lost)
          .containsEntry(series("repository_tags_total", "repository", "app"), 1.0)
          .containsEntry("regscope_scan_repositories", 1.0);

      Files.move(v2.resolve("repositories.moved"), v2.resolve("repositories"));
      double back = scans(lost);
      awaitMetrics(regscope, m -> scans(m) >= back + 1);

      // The whole tree, this time.
      Files.move(storageRoot.resolve("docker"), dir.resolve("docker.moved"));
      double failed = failures(lost, "storage_vanished");
      Map<String, Double> gone =
          awaitMetrics(regscope, m -> failures(m, "storage_vanished") >= failed + 2);
      assertThat(gone).containsEntry(series("repository_tags_total", "repository", "app"), 1.0);
    }
    String logged = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(logged)
        .contains("scan failed (storage_vanished)")
        .contains(v2.resolve("repositories").toString())
        .contains("the whole storage folder");
  }

  @Test
  void halfATreeWithBlobsButNoRepositoriesGetsNoGarbageCollectionAdvice() throws IOException {
    dev.regscope.testing.VanishingTreeReader.deleteRecursively(tree.root().resolve("repositories"));

    assertThat(run("report", storageRoot.toString())).isEqualTo(1);
    assertThat(out.toString()).doesNotContain("garbage-collect").doesNotContain("reclaim");
    assertThat(err.toString().strip().lines())
        .singleElement()
        .asString()
        .contains("storage is incomplete")
        .contains(tree.root().resolve("repositories").toString());

    assertThat(run("scan", storageRoot.toString())).isEqualTo(1);
  }

  @Test
  void aScanTimeoutIsADurationOrAuto() {
    assertThat(run("scan", "--scan-timeout", "0", storageRoot.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--scan-timeout must be longer than 0");
    assertThat(run("scan", "--scan-timeout", "soon", storageRoot.toString())).isEqualTo(2);
    assertThat(run("scan", "--scan-timeout", "5m", storageRoot.toString())).isZero();
    assertThat(run("scan", "--scan-timeout", "auto", storageRoot.toString())).isZero();
  }
}
