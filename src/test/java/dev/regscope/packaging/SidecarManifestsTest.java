package dev.regscope.packaging;

import static dev.regscope.packaging.Kustomize.container;
import static dev.regscope.packaging.Kustomize.elements;
import static dev.regscope.packaging.Kustomize.ofKind;
import static dev.regscope.packaging.Kustomize.one;
import static dev.regscope.packaging.Kustomize.podSpec;
import static dev.regscope.packaging.Kustomize.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.regscope.server.Endpoints;
import dev.regscope.testing.Htpasswd;
import dev.regscope.testing.RegistryProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * k8s/ as kubectl renders it: a pinned registry with probes and a securityContext, metrics on a
 * Service of their own that only the ServiceMonitor selects, and a NetworkPolicy that opens the
 * registry's port to all and regscope's only to Prometheus.
 */
@Timeout(180)
final class SidecarManifestsTest {
  private static List<JsonNode> rendered;
  private static JsonNode deployment;

  @BeforeAll
  static void render() {
    rendered = Kustomize.render(Path.of("k8s"));
    deployment = one(rendered, "Deployment", "registry");
  }

  @Test
  void theRegistryImageIsAPinnedDistributionRelease() {
    assertThat(container(deployment, "registry").path("image").asText())
        .matches("registry:2\\.\\d+\\.\\d+");
  }

  @Test
  void theRegistryHasLivenessAndReadinessOnItsOwnPort() {
    JsonNode registry = container(deployment, "registry");
    JsonNode port = single(registry.path("ports"));
    for (String probe : List.of("livenessProbe", "readinessProbe")) {
      JsonNode httpGet = registry.path(probe).path("httpGet");
      assertThat(httpGet.path("path").asText()).as(probe).isEqualTo("/");
      assertThat(httpGet.path("port").asText()).as(probe).isEqualTo(port.path("name").asText());
    }
  }

  @Test
  @Timeout(120)
  void theRegistrysProbePathAnswersWithoutCredentialsOnARegistryThatAsksForThem(@TempDir Path dir)
      throws Exception {
    String path =
        container(deployment, "registry")
            .path("readinessProbe")
            .path("httpGet")
            .path("path")
            .asText();
    Path users = Htpasswd.write(dir.resolve("htpasswd"), Map.of("someone", "pw"));
    try (RegistryProcess registry =
        RegistryProcess.start(RegistryProcess.binaryOrSkip(), dir, Htpasswd.registryYaml(users))) {
      HttpClient http = HttpClient.newHttpClient();
      int probe = status(http, registry.baseUri().resolve(path));
      int api = status(http, registry.baseUri().resolve("/v2/"));
      assertThat(api).as("the registry asks for credentials").isEqualTo(401);
      assertThat(probe).as("GET %s, as the kubelet asks it", path).isEqualTo(200);
    }
  }

  private static int status(HttpClient http, URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  void bothContainersRunAsNonRootOnAReadOnlyRootWithoutCapabilities() {
    for (String name : List.of("registry", "regscope")) {
      JsonNode context = container(deployment, name).path("securityContext");
      assertThat(context.path("runAsNonRoot").asBoolean()).as(name).isTrue();
      assertThat(context.path("runAsUser").asInt()).as(name).isPositive();
      assertThat(context.path("readOnlyRootFilesystem").asBoolean()).as(name).isTrue();
      assertThat(context.path("allowPrivilegeEscalation").asBoolean(true)).as(name).isFalse();
      assertThat(strings(context.path("capabilities").path("drop")))
          .as(name)
          .containsExactly("ALL");
      assertThat(context.path("seccompProfile").path("type").asText())
          .as(name)
          .isEqualTo("RuntimeDefault");
    }
  }

  @Test
  void theVolumesAreWritableThroughFsGroupNotARootInitContainer() {
    JsonNode pod = podSpec(deployment);
    int regscopeGroup =
        container(deployment, "regscope").path("securityContext").path("runAsGroup").asInt();
    assertThat(pod.path("securityContext").path("fsGroup").asInt()).isEqualTo(regscopeGroup);
    assertThat(pod.path("securityContext").path("fsGroupChangePolicy").asText())
        .isEqualTo("OnRootMismatch");
    assertThat(pod.has("initContainers")).isFalse();
  }

  @Test
  void theRegistryServiceCarriesOnlyTheRegistryPort() {
    JsonNode service = one(rendered, "Service", "registry");
    JsonNode registryPort = single(container(deployment, "registry").path("ports"));

    assertThat(elements(service.path("spec").path("ports")))
        .singleElement()
        .satisfies(p -> assertThat(p.path("targetPort").asText()).isEqualTo(name(registryPort)));
  }

  @Test
  void theServiceMonitorSelectsOnlyTheMetricsServiceWhichCarriesOnlyTheMetricsPort() {
    JsonNode monitor = single(ofKind(rendered, "ServiceMonitor"));
    Map<String, String> selector =
        labels(monitor.path("spec").path("selector").path("matchLabels"));
    List<JsonNode> selected =
        ofKind(rendered, "Service").stream()
            .filter(
                s ->
                    labels(s.path("metadata").path("labels"))
                        .entrySet()
                        .containsAll(selector.entrySet()))
            .toList();
    assertThat(selected)
        .extracting(s -> s.path("metadata").path("name").asText())
        .containsExactly("regscope-metrics");

    JsonNode service = selected.get(0);
    JsonNode metricsPort = single(container(deployment, "regscope").path("ports"));
    JsonNode port = single(service.path("spec").path("ports"));
    assertThat(port.path("targetPort").asText()).isEqualTo(name(metricsPort));
    assertThat(port.path("port").asInt()).isEqualTo(Endpoints.DEFAULT_PORT);
    assertThat(labels(podLabels()))
        .containsAllEntriesOf(labels(service.path("spec").path("selector")));
    JsonNode endpoint = single(monitor.path("spec").path("endpoints"));
    assertThat(endpoint.path("port").asText()).isEqualTo(port.path("name").asText());
    assertThat(endpoint.path("path").asText()).isEqualTo(Endpoints.METRICS);
  }

  @Test
  void theNetworkPolicyOpensTheRegistryToAllAndRegscopeOnlyToPrometheus() {
    JsonNode policy = single(ofKind(rendered, "NetworkPolicy"));
    assertThat(labels(podLabels()))
        .containsAllEntriesOf(labels(policy.path("spec").path("podSelector").path("matchLabels")));
    assertThat(strings(policy.path("spec").path("policyTypes"))).containsExactly("Ingress");
    String registryPort = name(single(container(deployment, "registry").path("ports")));
    String metricsPort = name(single(container(deployment, "regscope").path("ports")));

    Map<String, List<JsonNode>> fromByPort = new HashMap<>();
    for (JsonNode rule : elements(policy.path("spec").path("ingress"))) {
      assertThat(rule.has("ports")).as("a rule without ports opens every port: %s", rule).isTrue();
      for (JsonNode port : elements(rule.path("ports"))) {
        fromByPort
            .computeIfAbsent(port.path("port").asText(), p -> new java.util.ArrayList<>())
            .add(rule.path("from"));
      }
    }
    assertThat(fromByPort.keySet()).containsExactlyInAnyOrder(registryPort, metricsPort);
    // The registry: a rule with no from (every source).
    assertThat(fromByPort.get(registryPort))
        .anySatisfy(from -> assertThat(from.isMissingNode()).isTrue());
    // regscope: only from pods that are both in the chosen namespace and Prometheus.
    assertThat(fromByPort.get(metricsPort))
        .singleElement()
        .satisfies(
            from -> {
              JsonNode peer = single(from);
              assertThat(peer.path("namespaceSelector").path("matchLabels").size()).isPositive();
              assertThat(
                      peer.path("podSelector")
                          .path("matchLabels")
                          .path("app.kubernetes.io/name")
                          .asText())
                  .isEqualTo("prometheus");
            });
  }

  @Test
  void everyRenderedImageIsPinned() {
    assertThat(images(rendered)).isNotEmpty().allSatisfy(SidecarManifestsTest::assertPinned);
  }

  /** Every image of every container of every Deployment in the rendered resources. */
  static Set<String> images(List<JsonNode> docs) {
    return ofKind(docs, "Deployment").stream()
        .flatMap(
            d ->
                java.util.stream.Stream.concat(
                    elements(podSpec(d).path("containers")).stream(),
                    elements(podSpec(d).path("initContainers")).stream()))
        .map(c -> c.path("image").asText())
        .collect(Collectors.toSet());
  }

  /** A tag other than latest, or a digest. */
  static void assertPinned(String image) {
    String last = image.substring(image.lastIndexOf('/') + 1);
    if (last.contains("@sha256:")) {
      return;
    }
    assertThat(last).as("image %s has a tag", image).contains(":");
    assertThat(last.substring(last.indexOf(':') + 1)).as(image).isNotEqualTo("latest");
  }

  private static JsonNode podLabels() {
    return deployment.path("spec").path("template").path("metadata").path("labels");
  }

  private static String name(JsonNode containerPort) {
    return containerPort.path("name").asText();
  }

  private static JsonNode single(JsonNode array) {
    assertThat(array.size()).as("entries in %s", array).isEqualTo(1);
    return array.get(0);
  }

  private static JsonNode single(List<JsonNode> list) {
    assertThat(list).hasSize(1);
    return list.get(0);
  }

  private static Map<String, String> labels(JsonNode object) {
    Map<String, String> labels = new HashMap<>();
    object.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }
}
