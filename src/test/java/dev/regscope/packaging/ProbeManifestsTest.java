package dev.regscope.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.regscope.cli.ProbeCommand;
import dev.regscope.probe.ProbeMetrics;
import dev.regscope.probe.ProbeTarget;
import dev.regscope.registry.RepositoryUrl;
import dev.regscope.server.Endpoints;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * k8s/probe/ (regscope probe as a Deployment) and the probes of the sidecar in k8s/ agree with the
 * program: ports, paths, the credentials' mount, the metric names the alerts use; the alerts pass
 * promtool's checks and unit tests; both kustomizations render.
 */
@Timeout(180)
class ProbeManifestsTest {
  private static final Path K8S = Path.of("k8s");
  private static final Path PROBE = K8S.resolve("probe");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir Path dir;

  @Test
  void theKustomizationListsExactlyTheManifestsInTheFolder() throws IOException {
    Set<String> onDisk;
    try (Stream<Path> files = Files.list(PROBE)) {
      onDisk =
          files
              .map(p -> p.getFileName().toString())
              .filter(name -> name.endsWith(".yaml") && !name.startsWith("kustomization."))
              .collect(Collectors.toCollection(TreeSet::new));
    }
    assertThat(strings(read(PROBE.resolve("kustomization.yaml")).get(0).path("resources")))
        .containsExactlyInAnyOrderElementsOf(onDisk);
  }

  @Test
  void theDeploymentRunsTheProbeCommandOnItsPortWithTheSecretAsConfigJson() throws IOException {
    JsonNode pod = resource(PROBE, "Deployment").path("spec").path("template").path("spec");
    JsonNode container = pod.path("containers").get(0);
    List<String> command = strings(container.path("command"));
    List<String> args = strings(container.path("args"));

    // The image's ENTRYPOINT with "probe" for "serve": the same JVM settings.
    List<String> entrypoint = new ArrayList<>(dockerEntrypoint());
    entrypoint.set(entrypoint.size() - 1, "probe");
    assertThat(command).isEqualTo(entrypoint);
    assertThat(argument(args, "--port")).isEqualTo(String.valueOf(ProbeCommand.DEFAULT_PORT));
    assertThat(container.path("ports").get(0).path("containerPort").asInt())
        .isEqualTo(ProbeCommand.DEFAULT_PORT);
    assertThat(RepositoryUrl.parse(argument(args, "--target")).registry().scheme())
        .isEqualTo("https");
    assertThat(container.path("livenessProbe").path("httpGet").path("path").asText())
        .isEqualTo(Endpoints.HEALTHY);
    assertThat(container.path("readinessProbe").path("httpGet").path("path").asText())
        .isEqualTo(Endpoints.READY);

    JsonNode mount = container.path("volumeMounts").get(0);
    assertThat(mount.path("mountPath").asText()).isEqualTo(argument(args, "--docker-config"));
    JsonNode volume = pod.path("volumes").get(0);
    assertThat(volume.path("name").asText()).isEqualTo(mount.path("name").asText());
    JsonNode secret = resource(PROBE, "Secret");
    assertThat(secret.path("type").asText()).isEqualTo("kubernetes.io/dockerconfigjson");
    assertThat(volume.path("secret").path("secretName").asText())
        .isEqualTo(secret.path("metadata").path("name").asText());
    assertThat(volume.path("secret").path("items").get(0).path("key").asText())
        .isEqualTo(".dockerconfigjson");
    assertThat(volume.path("secret").path("items").get(0).path("path").asText())
        .isEqualTo("config.json");
    // The Secret holds what DockerConfig reads.
    JsonNode config =
        new ObjectMapper().readTree(secret.path("stringData").path(".dockerconfigjson").asText());
    assertThat(config.path("auths").fieldNames().next())
        .isEqualTo(RepositoryUrl.parse(argument(args, "--target")).registry().authority());

    assertThat(nodeNameFromTheScheduler(container)).isTrue();
    // One pod per node: two on one node would share push-<node> and delete each other's pushes.
    JsonNode antiAffinity =
        pod.path("affinity")
            .path("podAntiAffinity")
            .path("requiredDuringSchedulingIgnoredDuringExecution")
            .get(0);
    assertThat(antiAffinity.path("topologyKey").asText()).isEqualTo("kubernetes.io/hostname");
    assertThat(
            resource(PROBE, "Deployment")
                .path("spec")
                .path("strategy")
                .path("rollingUpdate")
                .path("maxSurge")
                .asInt())
        .isZero();
  }

  @Test
  void theServiceMonitorScrapesTheProbesMetricsPort() throws IOException {
    JsonNode service = resource(PROBE, "Service");
    JsonNode monitor = resource(PROBE, "ServiceMonitor");
    assertThat(service.path("spec").path("ports").get(0).path("port").asInt())
        .isEqualTo(ProbeCommand.DEFAULT_PORT);
    assertThat(monitor.path("spec").path("endpoints").get(0).path("port").asText())
        .isEqualTo(service.path("spec").path("ports").get(0).path("name").asText());
    assertThat(monitor.path("spec").path("endpoints").get(0).path("path").asText())
        .isEqualTo(Endpoints.METRICS);
  }

  @Test
  void theSidecarProbesItsOwnRegistryThroughLocalhostAndShipsTheProbeRules() throws IOException {
    JsonNode pod =
        resource(K8S.resolve("deployment.yaml"), "Deployment")
            .path("spec")
            .path("template")
            .path("spec");
    JsonNode regscope = container(pod, "regscope");
    JsonNode registry = container(pod, "registry");
    RepositoryUrl target =
        RepositoryUrl.parse(argument(strings(regscope.path("args")), "--probe-target"));

    assertThat(target.registry().host()).isEqualTo("localhost");
    assertThat(target.registry().scheme()).isEqualTo("http");
    assertThat(target.registry().authority())
        .isEqualTo("localhost:" + registry.path("ports").get(0).path("containerPort").asInt());
    assertThat(nodeNameFromTheScheduler(regscope)).isTrue();
    assertThat(strings(read(K8S.resolve("kustomization.yaml")).get(0).path("resources")))
        .contains("probe/prometheusrule.yaml");
  }

  @Test
  void theAlertsUseOnlyTheProbeFamiliesAndTheirRecordingRule() throws IOException {
    Set<String> exported = new TreeSet<>();
    ProbeMetrics metrics =
        new ProbeMetrics("n", List.of(new ProbeTarget(RepositoryUrl.parse("https://r.example/p"))));
    try (InputStream in = metrics.exposition().open(false)) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.startsWith("# TYPE ")) {
          exported.add(line.split(" ")[2]);
        }
      }
    }
    List<JsonNode> rules = rules();
    rules.stream()
        .filter(r -> r.has("record"))
        .forEach(r -> exported.add(r.path("record").asText()));
    assertThat(exported).contains("registry_exporter_success", "regscope_probe_duration_seconds");
    assertThat(rules.stream().filter(r -> r.has("alert")).map(r -> r.path("alert").asText()))
        .containsExactlyInAnyOrder(
            "RegistryProbesFailingEverything",
            "RegistryProbeTypeFailingOnAllNodes",
            "RegistryProbeNodeFailing");
    for (JsonNode rule : rules) {
      assertThat(PromQlMetricNames.in(rule.path("expr").asText()))
          .as(rule.toString())
          .isNotEmpty()
          .isSubsetOf(exported);
      if (rule.has("alert")) {
        assertThat(rule.path("for").asText()).isEqualTo("15m");
        assertThat(rule.path("labels").path("severity").asText()).isNotBlank();
        assertThat(rule.path("annotations").path("description").asText()).isNotBlank();
      }
    }
  }

  @Test
  void promtoolChecksTheRulesAndTheirUnitTestsPass() throws IOException {
    Path promtool = ToolOrSkip.find("promtool");
    JsonNode spec = resource(PROBE, "PrometheusRule").path("spec");
    YAML.writeValue(dir.resolve("regscope-probes.rules.yml").toFile(), spec);
    Files.copy(
        Path.of("src/test/resources/promtool/probe-rules-test.yml"),
        dir.resolve("probe-rules-test.yml"));

    ToolOrSkip.Run check =
        ToolOrSkip.run(
            dir, List.of(promtool.toString(), "check", "rules", "regscope-probes.rules.yml"));
    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS: 4 rules found");
    ToolOrSkip.Run test =
        ToolOrSkip.run(dir, List.of(promtool.toString(), "test", "rules", "probe-rules-test.yml"));
    assertThat(test.exitCode()).as(test.output()).isZero();
  }

  @Test
  void bothKustomizationsRenderAndCarryTheProbeRulesOnce() throws IOException {
    Path kubectl = ToolOrSkip.find("kubectl");
    for (Path kustomization : List.of(K8S, PROBE)) {
      ToolOrSkip.Run render =
          ToolOrSkip.run(
              Path.of("."), List.of(kubectl.toString(), "kustomize", kustomization.toString()));
      assertThat(render.exitCode()).as(render.output()).isZero();
      List<JsonNode> rendered = new ArrayList<>();
      try (MappingIterator<JsonNode> docs =
          YAML.readerFor(JsonNode.class).readValues(render.output())) {
        docs.forEachRemaining(rendered::add);
      }
      assertThat(rendered)
          .as(kustomization.toString())
          .filteredOn(doc -> doc.path("kind").asText().equals("PrometheusRule"))
          .filteredOn(doc -> doc.path("metadata").path("name").asText().equals("regscope-probes"))
          .hasSize(1);
    }
  }

  private static boolean nodeNameFromTheScheduler(JsonNode container) {
    return StreamSupport.stream(container.path("env").spliterator(), false)
        .anyMatch(
            env ->
                env.path("name").asText().equals("NODE_NAME")
                    && env.path("valueFrom")
                        .path("fieldRef")
                        .path("fieldPath")
                        .asText()
                        .equals("spec.nodeName"));
  }

  private static List<JsonNode> rules() throws IOException {
    List<JsonNode> rules = new ArrayList<>();
    resource(PROBE, "PrometheusRule")
        .path("spec")
        .path("groups")
        .forEach(group -> group.path("rules").forEach(rules::add));
    return rules;
  }

  private static List<String> dockerEntrypoint() throws IOException {
    String json =
        Dockerfile.read(Path.of("Dockerfile"))
            .last("ENTRYPOINT")
            .orElseThrow(() -> new AssertionError("no ENTRYPOINT"));
    return List.of(new ObjectMapper().readValue(json, String[].class));
  }

  private static JsonNode container(JsonNode pod, String name) {
    return StreamSupport.stream(pod.path("containers").spliterator(), false)
        .filter(c -> c.path("name").asText().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container " + name));
  }

  private static String argument(List<String> args, String option) {
    int at = args.indexOf(option);
    assertThat(at).as("%s in %s", option, args).isNotNegative();
    return args.get(at + 1);
  }

  /** The one resource of {@code kind} in a folder's files (or in one file). */
  private static JsonNode resource(Path where, String kind) throws IOException {
    List<JsonNode> found = new ArrayList<>();
    List<Path> files;
    if (Files.isDirectory(where)) {
      try (Stream<Path> list = Files.list(where)) {
        files = list.filter(p -> p.toString().endsWith(".yaml")).toList();
      }
    } else {
      files = List.of(where);
    }
    for (Path file : files) {
      for (JsonNode doc : read(file)) {
        if (doc.path("kind").asText().equals(kind)) {
          found.add(doc);
        }
      }
    }
    assertThat(found).as("%s in %s", kind, where).hasSize(1);
    return found.get(0);
  }

  private static List<JsonNode> read(Path file) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      it.forEachRemaining(docs::add);
    }
    return docs;
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }
}
