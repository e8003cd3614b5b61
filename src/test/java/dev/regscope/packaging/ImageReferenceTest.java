package dev.regscope.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The image the README tells users to build, push and set is the one the k8s manifests run: the
 * Deployment names a placeholder, and the kustomization's {@code images:} entry for that
 * placeholder is what the README's {@code kustomize edit set image} command writes.
 */
final class ImageReferenceTest {
  private static final Path README = Path.of("README.md");
  private static final Path K8S = Path.of("k8s");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern SET_IMAGE =
      Pattern.compile("kustomize edit set image ([^=\\s`]+)=([^\\s`]+)");

  @Test
  void theReadmeSetsThePlaceholderTheDeploymentRunsToTheImageItBuildsAndPushes()
      throws IOException {
    String readme = Files.readString(README);
    Matcher set = SET_IMAGE.matcher(readme);
    assertThat(set.find()).as("README shows `kustomize edit set image NAME=IMAGE`").isTrue();
    String placeholder = set.group(1);
    String image = set.group(2);

    assertThat(regscopeImage()).isEqualTo(placeholder);
    JsonNode entry = imagesEntry(placeholder);
    assertThat(entry.path("newName").asText() + ":" + entry.path("newTag").asText())
        .as("kustomization.yaml holds what the README's command writes")
        .isEqualTo(image);
    // The image the README builds and pushes is the one it sets.
    assertThat(readme).contains("-t " + image + " .").contains(" push " + image);
  }

  @Test
  void thePlaceholderIsNoPublicImageSoAnUnsetImageFailsToPullInsteadOfRunningAnother()
      throws IOException {
    String placeholder = regscopeImage();

    assertThat(placeholder).doesNotContain("/").doesNotContain(":");
    assertThat(imagesEntry(placeholder).path("newName").asText())
        .startsWith("registry.example.com/");
  }

  private static String regscopeImage() throws IOException {
    JsonNode containers =
        YAML.readTree(K8S.resolve("deployment.yaml").toFile())
            .path("spec")
            .path("template")
            .path("spec")
            .path("containers");
    List<String> images = new ArrayList<>();
    containers.forEach(
        c -> {
          if (c.path("name").asText().equals("regscope")) {
            images.add(c.path("image").asText());
          }
        });
    assertThat(images).as("regscope containers in k8s/deployment.yaml").hasSize(1);
    return images.get(0);
  }

  private static JsonNode imagesEntry(String name) throws IOException {
    List<JsonNode> entries = new ArrayList<>();
    YAML.readTree(K8S.resolve("kustomization.yaml").toFile())
        .path("images")
        .forEach(
            e -> {
              if (e.path("name").asText().equals(name)) {
                entries.add(e);
              }
            });
    assertThat(entries).as("images: entries named %s in k8s/kustomization.yaml", name).hasSize(1);
    return entries.get(0);
  }
}
