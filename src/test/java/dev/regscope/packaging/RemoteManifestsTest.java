package dev.regscope.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.regscope.registry.CredentialSource;
import dev.regscope.registry.Credentials;
import dev.regscope.server.Endpoints;
import dev.regscope.targets.TargetSpec;
import dev.regscope.targets.TargetsFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * k8s/remote/ (regscope serve --targets-file as a Deployment) agrees with the program: the targets
 * file the ConfigMap holds is one regscope accepts, it and the dockerconfigjson Secret are mounted
 * where the arguments say (whole folders, so updates reach the pod), the Secret has credentials for
 * every target, and the kustomization renders.
 */
@Timeout(180)
class RemoteManifestsTest {
  private static final Path REMOTE = Path.of("k8s", "remote");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir Path dir;

  @Test
  void theKustomizationListsExactlyTheManifestsInTheFolder() throws IOException {
    Set<String> onDisk;
    try (Stream<Path> files = Files.list(REMOTE)) {
      onDisk =
          files
              .map(p -> p.getFileName().toString())
              .filter(name -> name.endsWith(".yaml") && !name.startsWith("kustomization."))
              .collect(Collectors.toCollection(TreeSet::new));
    }
    assertThat(strings(read(REMOTE.resolve("kustomization.yaml")).get(0).path("resources")))
        .containsExactlyInAnyOrderElementsOf(onDisk);
  }

  @Test
  void theTargetsFileIsMountedWhereServeReadsItAndParses() throws Exception {
    JsonNode pod = resource("Deployment").path("spec").path("template").path("spec");
    JsonNode container = pod.path("containers").get(0);
    // The image's ENTRYPOINT (serve) stays; the arguments replace its storage folder.
    assertThat(container.has("command")).isFalse();
    List<String> args = strings(container.path("args"));
    Path targets = Path.of(argument(args, "--targets-file"));
    assertThat(args.stream().filter(a -> !a.startsWith("--"))).hasSize(2);

    JsonNode configMap = resource("ConfigMap");
    JsonNode mount = mount(container, pod, "configMap", "name", configMap);
    assertThat(mount.path("mountPath").asText()).isEqualTo(targets.getParent().toString());
    assertThat(mount.has("subPath")).as("subPath mounts never see updates").isFalse();
    String yaml = configMap.path("data").path(targets.getFileName().toString()).asText();
    assertThat(yaml).isNotBlank();
    List<TargetSpec> parsed =
        TargetsFile.parse(yaml.getBytes(StandardCharsets.UTF_8), dir.resolve("targets.yaml"));
    assertThat(parsed).hasSizeGreaterThanOrEqualTo(2);

    // Every target finds its credentials in the Secret, read as regscope reads config.json.
    JsonNode secret = resource("Secret");
    assertThat(secret.path("type").asText()).isEqualTo("kubernetes.io/dockerconfigjson");
    JsonNode credentials = mount(container, pod, "secret", "secretName", secret);
    assertThat(credentials.path("mountPath").asText()).isEqualTo(argument(args, "--docker-config"));
    assertThat(credentials.has("subPath")).isFalse();
    Files.writeString(
        dir.resolve("config.json"), secret.path("stringData").path(".dockerconfigjson").asText());
    CredentialSource source = CredentialSource.dockerConfig(dir);
    for (TargetSpec target : parsed) {
      assertThat(source.forRegistry(target.registry()))
          .as(target.name())
          .isNotEqualTo(Credentials.ANONYMOUS);
    }
    assertThat(container.path("livenessProbe").path("httpGet").path("path").asText())
        .isEqualTo(Endpoints.HEALTHY);
    assertThat(container.path("readinessProbe").path("httpGet").path("path").asText())
        .isEqualTo(Endpoints.READY);
    assertThat(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean())
        .isTrue();
  }

  @Test
  void theServiceMonitorScrapesTheMetricsPort() throws IOException {
    JsonNode container =
        resource("Deployment").path("spec").path("template").path("spec").path("containers").get(0);
    JsonNode service = resource("Service");
    JsonNode monitor = resource("ServiceMonitor");
    assertThat(service.path("spec").path("ports").get(0).path("port").asInt())
        .isEqualTo(Endpoints.DEFAULT_PORT)
        .isEqualTo(container.path("ports").get(0).path("containerPort").asInt());
    assertThat(monitor.path("spec").path("endpoints").get(0).path("port").asText())
        .isEqualTo(service.path("spec").path("ports").get(0).path("name").asText());
    assertThat(monitor.path("spec").path("endpoints").get(0).path("path").asText())
        .isEqualTo(Endpoints.METRICS);
  }

  @Test
  void theKustomizationRenders() throws IOException {
    Path kubectl = ToolOrSkip.find("kubectl");
    ToolOrSkip.Run render =
        ToolOrSkip.run(Path.of("."), List.of(kubectl.toString(), "kustomize", REMOTE.toString()));
    assertThat(render.exitCode()).as(render.output()).isZero();
    List<String> kinds = new ArrayList<>();
    try (MappingIterator<JsonNode> docs =
        YAML.readerFor(JsonNode.class).readValues(render.output())) {
      docs.forEachRemaining(doc -> kinds.add(doc.path("kind").asText()));
    }
    assertThat(kinds)
        .containsExactlyInAnyOrder(
            "ConfigMap", "Secret", "Deployment", "Service", "ServiceMonitor");
  }

  /** The container's mount of the pod volume that holds {@code resource}. */
  private static JsonNode mount(
      JsonNode container, JsonNode pod, String volumeKind, String nameKey, JsonNode resource) {
    String name = resource.path("metadata").path("name").asText();
    String volume = null;
    for (JsonNode v : pod.path("volumes")) {
      if (v.path(volumeKind).path(nameKey).asText().equals(name)) {
        volume = v.path("name").asText();
      }
    }
    assertThat(volume).as("a volume of %s %s", volumeKind, name).isNotNull();
    for (JsonNode m : container.path("volumeMounts")) {
      if (m.path("name").asText().equals(volume)) {
        return m;
      }
    }
    throw new AssertionError("volume " + volume + " is not mounted");
  }

  private static String argument(List<String> args, String option) {
    int at = args.indexOf(option);
    assertThat(at).as("%s in %s", option, args).isNotNegative();
    return args.get(at + 1);
  }

  private static JsonNode resource(String kind) throws IOException {
    List<JsonNode> found = new ArrayList<>();
    try (Stream<Path> list = Files.list(REMOTE)) {
      for (Path file : list.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        for (JsonNode doc : read(file)) {
          if (doc.path("kind").asText().equals(kind)) {
            found.add(doc);
          }
        }
      }
    }
    assertThat(found).as("%s in %s", kind, REMOTE).hasSize(1);
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
