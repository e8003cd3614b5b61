package dev.regscope.probe;

import static dev.regscope.testing.PromText.series;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.regscope.manifest.ManifestParser;
import dev.regscope.registry.ClientSettings;
import dev.regscope.registry.CredentialSource;
import dev.regscope.registry.DistributionClient;
import dev.regscope.registry.ErrorClass;
import dev.regscope.registry.RegistryAddress;
import dev.regscope.registry.RepositoryUrl;
import dev.regscope.server.MetricsServer;
import dev.regscope.testing.FaultProxy;
import dev.regscope.testing.GcReport;
import dev.regscope.testing.Htpasswd;
import dev.regscope.testing.PromText;
import dev.regscope.testing.RegistryProcess;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults, each against a real registry 2.8 (stopped, read-only, serving a corrupt blob, behind a
 * proxy that stalls or fails, or refusing a password): each gives its error class, a success of 0,
 * a failing duration sample and {@code /status} 503; then, with the fault removed, recovery.
 */
@Timeout(180)
class ProbeFaultsTest {
  private static final String NODE = "faulty";
  private static final Set<ProbeType> ALL = EnumSet.allOf(ProbeType.class);

  @TempDir Path dir;
  private RegistryProcess registry;
  private Probes probes;
  private MetricsServer server;
  private ProbeTarget target;
  private Map<String, Double> before;

  private static ProbeSettings settings() {
    return new ProbeSettings(
        Duration.ofMinutes(10), Duration.ofSeconds(1), 2, Duration.ofMillis(20), 16 * 1024, NODE);
  }

  @BeforeEach
  void startRegistry() {
    registry = RegistryProcess.start(dir.resolve("registry"));
  }

  @AfterEach
  void stopAll() {
    if (server != null) {
      server.close();
    }
    if (probes != null) {
      probes.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  private void probe(String base, ClientSettings access) throws Exception {
    target = new ProbeTarget(RepositoryUrl.parse(base + "/regscope/probe"));
    probes = Probes.create(List.of(target), settings(), access, Clock.systemUTC());
    server = probes.addTo(MetricsServer.builder(new InetSocketAddress("127.0.0.1", 0))).start();
    cycleExpectingHealthy();
  }

  private Map<String, Double> metrics() throws Exception {
    return PromText.parse(RealRegistryProbeContract.get(server, "/metrics").body());
  }

  private String[] konflux(ProbeType type) {
    return new String[] {
      "tested_registry", target.testedRegistry(), "node", NODE, "type", type.label()
    };
  }

  private String[] own(ProbeType type, String result) {
    return new String[] {"target", target.label(), "type", type.label(), "result", result};
  }

  private void cycleExpectingHealthy() throws Exception {
    probes.runCycle();
    Map<String, Double> now = metrics();
    for (ProbeType type : ProbeType.values()) {
      assertThat(now)
          .as(type.label())
          .containsEntry(series("registry_exporter_success", konflux(type)), 1.0);
    }
    HttpResponse<String> status = RealRegistryProbeContract.get(server, "/status");
    assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
    before = now;
  }

  private void cycleExpectingFault(ErrorClass error, Set<ProbeType> failing) throws Exception {
    probes.runCycle();
    Map<String, Double> now = metrics();
    for (ProbeType type : ProbeType.values()) {
      boolean fails = failing.contains(type);
      assertThat(now)
          .as("success of %s", type.label())
          .containsEntry(series("registry_exporter_success", konflux(type)), fails ? 0.0 : 1.0);
      String[] errorLabels = {
        "tested_registry",
        target.testedRegistry(),
        "node",
        NODE,
        "type",
        type.label(),
        "error",
        error.name()
      };
      assertThat(now.get(series("registry_exporter_errors_total", errorLabels)))
          .as("%s errors of %s", error, type.label())
          .isEqualTo(
              before.get(series("registry_exporter_errors_total", errorLabels)) + (fails ? 1 : 0));
      String failures = series("regscope_probe_duration_seconds_count", own(type, "failure"));
      assertThat(now.get(failures) - before.get(failures))
          .as("failed attempts of %s", type.label())
          .isEqualTo(fails ? settings().attempts() : 0);
      String tests = series("registry_exporter_duration_seconds_count", konflux(type));
      assertThat(now.get(tests) - before.get(tests))
          .as("tests of %s timed", type.label())
          .isEqualTo(1);
    }
    HttpResponse<String> status = RealRegistryProbeContract.get(server, "/status");
    assertThat(status.statusCode()).isEqualTo(503);
    for (ProbeType type : List.of(ProbeType.PULL, ProbeType.PUSH)) {
      if (failing.contains(type)) {
        assertThat(status.body())
            .contains(target.label() + " " + type.label() + ": " + error.name());
      }
    }
    before = now;
  }

  @Test
  void aStoppedRegistryIsANetworkErrorUntilItIsBack() throws Exception {
    probe(registry.baseUri().toString().replaceAll("/$", ""), ClientSettings.defaults());
    registry.close();
    cycleExpectingFault(ErrorClass.NETWORK_ERROR, ALL);
    registry = registry.restart();
    cycleExpectingHealthy();
  }

  @Test
  void aProxyThatAnswersLateIsATimeoutAndOneThatFailsIsAServerError() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(registry.baseUri())) {
      probe(proxy.baseUri().toString(), ClientSettings.defaults());
      proxy.delay(Duration.ofSeconds(3));
      cycleExpectingFault(ErrorClass.TIMEOUT, ALL);
      proxy.answer(500, null);
      cycleExpectingFault(ErrorClass.SERVER_ERROR, ALL);
      proxy.answer(503, "0");
      cycleExpectingFault(ErrorClass.SERVER_ERROR, ALL);
      proxy.pass();
      cycleExpectingHealthy();
    }
  }

  @Test
  void aReadOnlyRegistryServesPullsAndRefusesPushesAndRetags() throws Exception {
    probe(registry.baseUri().toString().replaceAll("/$", ""), ClientSettings.defaults());
    DistributionClient client =
        DistributionClient.create(
            RegistryAddress.parse(registry.baseUri().toString()), ClientSettings.defaults());
    String pushedBefore =
        client.headManifest("regscope/probe", "push-" + NODE).orElseThrow().digest().toString();
    restartWith(true);
    // Writes answer 405 in maintenance mode.
    cycleExpectingFault(ErrorClass.INVALID_REQUEST, EnumSet.of(ProbeType.PUSH, ProbeType.METADATA));
    restartWith(false);
    cycleExpectingHealthy();
    // The 405s of the read-only time did not turn cleanup off: the push it replaced is deleted.
    assertThat(client.headManifest("regscope/probe", pushedBefore)).isEmpty();
  }

  @Test
  void aBlobWhoseBytesDoNotMatchItsDigestFailsThePullAsAServerError() throws Exception {
    probe(registry.baseUri().toString().replaceAll("/$", ""), ClientSettings.defaults());
    DistributionClient client =
        DistributionClient.create(
            RegistryAddress.parse(registry.baseUri().toString()), ClientSettings.defaults());
    String layer =
        ManifestParser.parse(client.getManifest("regscope/probe", "pull").bytes())
            .layers()
            .get(0)
            .digest()
            .toString();
    Path data = GcReport.blobData(registry.storageRoot(), layer);
    byte[] good = Files.readAllBytes(data);
    byte[] bad = good.clone();
    bad[bad.length / 2] ^= 0x01;
    Files.write(data, bad);
    cycleExpectingFault(ErrorClass.SERVER_ERROR, EnumSet.of(ProbeType.PULL));
    Files.write(data, good);
    cycleExpectingHealthy();
  }

  @Test
  void aWrongPasswordIsAnAuthenticationErrorUntilTheFileHoldsTheRightOne() throws Exception {
    registry.close();
    Path users = Htpasswd.write(dir.resolve("htpasswd"), Map.of("prober", "right-password"));
    registry =
        RegistryProcess.start(
            RegistryProcess.binaryOrSkip(), dir.resolve("auth"), Htpasswd.registryYaml(users));
    Path passwordFile = Files.writeString(dir.resolve("password"), "right-password\n");
    probe(
        registry.baseUri().toString().replaceAll("/$", ""),
        ClientSettings.defaults()
            .withCredentials(CredentialSource.passwordFile("prober", passwordFile)));
    Files.writeString(passwordFile, "wrong\n");
    cycleExpectingFault(ErrorClass.AUTHENTICATION, ALL);
    // A rotated Secret: the file is read again when it changes, no restart.
    Files.writeString(passwordFile, "right-password\n");
    cycleExpectingHealthy();
  }

  private void restartWith(boolean readOnly) throws Exception {
    registry.close();
    YAMLMapper yaml = new YAMLMapper();
    ObjectNode config = (ObjectNode) yaml.readTree(registry.configFile().toFile());
    ((ObjectNode) config.path("storage").path("maintenance"))
        .putObject("readonly")
        .put("enabled", readOnly);
    yaml.writeValue(registry.configFile().toFile(), config);
    registry = registry.restart();
  }
}
