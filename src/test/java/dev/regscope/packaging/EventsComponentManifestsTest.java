package dev.regscope.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.regscope.server.Endpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The k8s/events component wires the registry's notifications to regscope's receiver consistently.
 */
class EventsComponentManifestsTest {
  private static final Path DIR = Path.of("k8s/events");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static JsonNode read(String file) throws IOException {
    return YAML.readTree(DIR.resolve(file).toFile());
  }

  private static JsonNode container(JsonNode deployment, String name) {
    for (JsonNode container :
        deployment.path("spec").path("template").path("spec").path("containers")) {
      if (container.path("name").asText().equals(name)) {
        return container;
      }
    }
    throw new AssertionError("no container " + name);
  }

  private static String argument(List<String> args, String option) {
    int at = args.indexOf(option);
    assertThat(at).as("%s in %s", option, args).isNotNegative();
    return args.get(at + 1);
  }

  private static List<String> mountPaths(JsonNode container, String volume) {
    List<String> paths = new ArrayList<>();
    container
        .path("volumeMounts")
        .forEach(
            m -> {
              if (m.path("name").asText().equals(volume)) {
                paths.add(m.path("mountPath").asText());
              }
            });
    return paths;
  }

  @Test
  void theRegistryNotifiesRegscopesEventsEndpointWithTheTokenRegscopeExpects() throws IOException {
    JsonNode secret = read("secret.yaml").path("stringData");
    JsonNode registryConfig = YAML.readTree(secret.path("config.yml").asText());
    JsonNode endpoint = registryConfig.path("notifications").path("endpoints").get(0);

    assertThat(endpoint.path("url").asText())
        .isEqualTo("http://127.0.0.1:" + Endpoints.DEFAULT_PORT + Endpoints.EVENTS);
    assertThat(endpoint.path("headers").path("Authorization").get(0).asText())
        .isEqualTo("Bearer " + secret.path("token").asText());
    assertThat(registryConfig.path("storage").path("filesystem").path("rootdirectory").asText())
        .isEqualTo("/var/lib/registry");
  }

  @Test
  void regscopeFindsItsTokenAndAWritableStoreWhereTheyAreMounted() throws IOException {
    JsonNode deployment = read("deployment-patch.yaml");
    JsonNode regscope = container(deployment, "regscope");
    List<String> args = new ArrayList<>();
    regscope.path("args").forEach(a -> args.add(a.asText()));

    assertThat(mountPaths(regscope, "registry-events"))
        .containsExactly(argument(args, "--events-token-file"));
    Path db = Path.of(argument(args, "--events-db"));
    assertThat(mountPaths(regscope, "events")).containsExactly(db.getParent().toString());
    assertThat(mountPaths(regscope, "tmp")).containsExactly("/tmp");
    assertThat(args).last().isEqualTo("/var/lib/registry");
    // The registry reads its config (with the notifications) from the secret.
    assertThat(mountPaths(container(deployment, "registry"), "registry-events"))
        .containsExactly("/etc/docker/registry/config.yml");
    String chown =
        deployment
            .path("spec")
            .path("template")
            .path("spec")
            .path("initContainers")
            .get(0)
            .path("command")
            .get(2)
            .asText();
    assertThat(chown).endsWith(" " + db.getParent());
  }

  @Test
  void theComponentListsItsFiles() throws IOException {
    JsonNode kustomization = read("kustomization.yaml");
    assertThat(kustomization.path("kind").asText()).isEqualTo("Component");
    List<String> files = new ArrayList<>();
    kustomization.path("resources").forEach(r -> files.add(r.asText()));
    kustomization.path("patches").forEach(p -> files.add(p.path("path").asText()));
    try (var onDisk = Files.list(DIR)) {
      assertThat(
              onDisk
                  .map(p -> p.getFileName().toString())
                  .filter(n -> !n.equals("kustomization.yaml")))
          .containsExactlyInAnyOrderElementsOf(files);
    }
  }
}
