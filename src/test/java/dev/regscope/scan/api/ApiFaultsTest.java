package dev.regscope.scan.api;

import static dev.regscope.testing.PromText.series;
import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.metrics.Exposition;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.ScanState;
import dev.regscope.model.Snapshot;
import dev.regscope.registry.ClientSettings;
import dev.regscope.registry.CredentialSource;
import dev.regscope.registry.RegistryAddress;
import dev.regscope.registry.RetryPolicy;
import dev.regscope.scan.OnDemandScans;
import dev.regscope.testing.FaultProxy;
import dev.regscope.testing.Htpasswd;
import dev.regscope.testing.ImageFactory;
import dev.regscope.testing.LogCapture;
import dev.regscope.testing.Platform;
import dev.regscope.testing.PromText;
import dev.regscope.testing.RegistryProcess;
import dev.regscope.testing.SampleRegistryScenario;
import dev.regscope.testing.Scans;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults while reading a real registry 2.8 over its API, each after a good scan: the registry
 * stopped mid-scan, a wrong password, a proxy answering HTML or cutting JSON short, a manifest
 * whose bytes do not match its digest. Each is counted by reason in regscope_api_errors_total, is
 * one line in the log, and the last good numbers stay published.
 */
@Timeout(180)
class ApiFaultsTest {
  @TempDir Path dir;

  /** Quick retries, so a registry that went away fails the scan in well under a second. */
  private static ClientSettings quick() {
    return ClientSettings.defaults()
        .withTimeout(Duration.ofSeconds(10))
        .withRetries(new RetryPolicy(2, Duration.ofMillis(50), Duration.ofMillis(100)));
  }

  private static ApiScanner scanner(String url, ClientSettings access, int concurrency)
      throws Exception {
    return ApiScanner.create(
        RegistryAddress.parse(url),
        access,
        ApiScanSettings.defaults().withConcurrency(concurrency),
        Scans.CLOCK,
        problem -> {});
  }

  private static Map<String, Double> metrics(ScanState state) throws Exception {
    StringWriter text = new StringWriter();
    Exposition.write(state, text);
    return PromText.parse(text.toString());
  }

  private static double errors(ScanState state, String reason) throws Exception {
    return metrics(state).get(series("regscope_api_errors_total", "reason", reason));
  }

  @Test
  void aRegistryStoppedMidScanFailsTheScanAndTheLastSnapshotStays() throws Exception {
    RegistryProcess registry = RegistryProcess.start(dir);
    try (FaultProxy proxy = FaultProxy.start(registry.baseUri());
        ApiScanner api = scanner(proxy.baseUri().toString(), quick(), 2);
        LogCapture log = LogCapture.start()) {
      new SampleRegistryScenario().pushAll(registry.client());
      OnDemandScans scans = new OnDemandScans(api);
      ScanState good = Scans.completed(scans);
      Snapshot last = good.latest().orElseThrow();
      assertThat(last.tagCount()).isPositive();

      log.mark();
      proxy.delay(Duration.ofMillis(150));
      int before = proxy.requests();
      CompletableFuture<ScanState> running = CompletableFuture.supplyAsync(scans::current);
      while (proxy.requests() < before + 4) {
        Thread.sleep(20);
      }
      registry.close();
      ScanState after = running.get();

      assertThat(after.latest()).containsSame(last);
      assertThat(after.failedScans()).isEqualTo(1);
      assertThat(errors(after, "network")).isEqualTo(1.0);
      String teamApp = series("repository_tags_total", "repository", "team/app");
      assertThat(metrics(after))
          .containsEntry(teamApp, metrics(good).get(teamApp))
          .containsEntry(series("regscope_scan_failures_total", "reason", "read_error"), 1.0);
      assertThat(log.warnings()).hasSize(1);
      assertThat(log.warnings().get(0)).contains("scan failed", "cannot reach");
    } finally {
      registry.close();
    }
  }

  @Test
  void aWrongPasswordIsAnAuthenticationErrorAndTheLastSnapshotStays() throws Exception {
    Path passwords = Htpasswd.write(dir.resolve("htpasswd"), Map.of("scanner", "right"));
    Path passwordFile = Files.writeString(dir.resolve("password"), "right");
    try (RegistryProcess registry =
            RegistryProcess.start(
                RegistryProcess.binaryOrSkip(), dir, Htpasswd.registryYaml(passwords));
        ApiScanner api =
            scanner(
                registry.baseUri().toString(),
                quick().withCredentials(CredentialSource.passwordFile("scanner", passwordFile)),
                8);
        LogCapture log = LogCapture.start()) {
      // An empty registry with htpasswd: the catalog is listed, with no repository in it.
      OnDemandScans scans = new OnDemandScans(api);
      ScanState good = Scans.completed(scans);
      assertThat(good.latest()).isPresent();

      log.mark();
      Files.writeString(passwordFile, "wrong-password");
      ScanState after = Scans.completed(scans);
      assertThat(after.latest()).containsSame(good.latest().get());
      assertThat(after.failedScans()).isEqualTo(1);
      assertThat(errors(after, "authentication")).isEqualTo(1.0);
      assertThat(errors(after, "catalog_refused")).isZero();
      assertThat(log.warnings()).hasSize(1);
      assertThat(log.warnings().get(0)).contains("refuses the credentials");
    }
  }

  @Test
  void aProxyAnsweringHtmlIsMalformedAndTheLastSnapshotStays() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir);
        FaultProxy proxy = FaultProxy.start(registry.baseUri());
        ApiScanner api = scanner(proxy.baseUri().toString(), quick(), 8);
        LogCapture log = LogCapture.start()) {
      new SampleRegistryScenario().pushAll(registry.client());
      OnDemandScans scans = new OnDemandScans(api);
      ScanState good = Scans.completed(scans);

      log.mark();
      proxy.html();
      ScanState after = Scans.completed(scans);
      assertThat(after.latest()).containsSame(good.latest().get());
      assertThat(errors(after, "malformed")).isEqualTo(1.0);
      assertThat(log.warnings()).hasSize(1);
      assertThat(log.warnings().get(0)).contains("not JSON", "text/html");
    }
  }

  @Test
  void truncatedJsonFailsOnlyTheRepositoryItCameFromWhichKeepsItsLastNumbers() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir);
        FaultProxy proxy = FaultProxy.start(registry.baseUri());
        ApiScanner api = scanner(proxy.baseUri().toString(), quick(), 8);
        LogCapture log = LogCapture.start()) {
      new SampleRegistryScenario().pushAll(registry.client());
      OnDemandScans scans = new OnDemandScans(api);
      Snapshot good = Scans.completed(scans).latest().orElseThrow();

      log.mark();
      proxy.truncateBodies("/v2/team/app/tags/list");
      ScanState after = Scans.completed(scans);
      Snapshot now = after.latest().orElseThrow();
      assertThat(now).isNotSameAs(good);
      assertThat(repository(now, "team/app")).isSameAs(repository(good, "team/app"));
      assertThat(now.repositories()).isEqualTo(good.repositories());
      assertThat(errors(after, "malformed")).isEqualTo(1.0);
      assertThat(metrics(after)).containsEntry(series("regscope_api_stale_repositories"), 1.0);
      assertThat(log.warnings()).hasSize(1);
      assertThat(log.warnings().get(0)).contains("1 of 3 repositories", "team/app", "not JSON");

      log.mark();
      proxy.truncateBodies("/v2/_catalog");
      ScanState catalogCut = Scans.completed(scans);
      assertThat(catalogCut.latest()).containsSame(now);
      assertThat(errors(catalogCut, "malformed")).isEqualTo(2.0);
      assertThat(log.warnings()).hasSize(1);
    }
  }

  @Test
  void aManifestWhoseBytesDoNotMatchItsDigestKeepsItsRepositorysLastNumbers() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir);
        ApiScanner api = scanner(registry.baseUri().toString(), quick(), 8);
        LogCapture log = LogCapture.start()) {
      new SampleRegistryScenario().pushAll(registry.client());
      OnDemandScans scans = new OnDemandScans(api);
      Snapshot good = Scans.completed(scans).latest().orElseThrow();

      // A new manifest, then its blob changed on disk: the registry serves bytes that do not
      // hash to the digest it names.
      ImageFactory images = new ImageFactory(new Random(3));
      String digest =
          images
              .ociImage(Platform.of("linux/amd64"), images.layer(100))
              .push(registry.client(), "base/alpine", "tampered");
      Path data =
          registry
              .storageRoot()
              .resolve(
                  "docker/registry/v2/blobs/sha256/"
                      + digest.substring(7, 9)
                      + "/"
                      + digest.substring(7)
                      + "/data");
      String json = Files.readString(data, StandardCharsets.UTF_8);
      Files.writeString(data, json.replace("\"schemaVersion\":2", "\"schemaVersion\": 2"));

      log.mark();
      ScanState after = Scans.completed(scans);
      Snapshot now = after.latest().orElseThrow();
      assertThat(repository(now, "base/alpine")).isSameAs(repository(good, "base/alpine"));
      assertThat(errors(after, "digest_mismatch")).isEqualTo(1.0);
      assertThat(metrics(after)).containsEntry(series("regscope_api_stale_repositories"), 1.0);
      assertThat(log.warnings()).hasSize(1);
      assertThat(log.warnings().get(0)).contains("base/alpine", "hash to");
    }
  }

  private static RepositoryStats repository(Snapshot snapshot, String name) {
    return snapshot.repositories().stream()
        .filter(r -> r.name().equals(name))
        .findFirst()
        .orElseThrow();
  }
}
