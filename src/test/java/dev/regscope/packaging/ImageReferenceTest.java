package dev.regscope.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The image the README tells users to build, push and set is the one the k8s manifests run: every
 * Deployment under k8s/ names a placeholder, and its kustomization's {@code images:} entry for that
 * placeholder is what the README's {@code kustomize edit set image} command writes.
 */
final class ImageReferenceTest {
  private static final Path README = Path.of("README.md");
  private static final Path K8S = Path.of("k8s");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern SET_IMAGE =
      Pattern.compile("kustomize edit set image ([^=\\s`]+)=([^\\s`]+)");

  @Test
  void theReadmeSetsThePlaceholderEveryKustomizationRunsToTheImageItBuildsAndPushes()
      throws IOException {
    String readme = Files.readString(README);
    Matcher set = SET_IMAGE.matcher(readme);
    assertThat(set.find()).as("README shows `kustomize edit set image NAME=IMAGE`").isTrue();
    String placeholder = set.group(1);
    String image = set.group(2);

    List<Path> kustomizations = kustomizationsRunningRegscope();
    assertThat(kustomizations).contains(K8S.resolve("kustomization.yaml"));
    for (Path kustomization : kustomizations) {
      assertThat(regscopeImages(kustomization))
          .as("regscope's image in %s", kustomization)
          .containsOnly(placeholder);
      JsonNode entry = imagesEntry(kustomization, placeholder);
      assertThat(entry.path("newName").asText() + ":" + entry.path("newTag").asText())
          .as("%s holds what the README's command writes", kustomization)
          .isEqualTo(image);
    }
    // The image the README builds and pushes is the one it sets.
    assertThat(readme).contains("-t " + image + " .").contains(" push " + image);
  }

  @Test
  void thePlaceholderIsNoPublicImageSoAnUnsetImageFailsToPullInsteadOfRunningAnother()
      throws IOException {
    for (Path kustomization : kustomizationsRunningRegscope()) {
      for (String placeholder : regscopeImages(kustomization)) {
        assertThat(placeholder).doesNotContain("/").doesNotContain(":");
        assertThat(imagesEntry(kustomization, placeholder).path("newName").asText())
            .startsWith("registry.example.com/");
      }
    }
  }

  /** The kustomizations under k8s/ whose own resources run a container named regscope. */
  private static List<Path> kustomizationsRunningRegscope() throws IOException {
    List<Path> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(K8S)) {
      for (Path kustomization :
          files.filter(p -> p.getFileName().toString().equals("kustomization.yaml")).toList()) {
        if (!regscopeImages(kustomization).isEmpty()) {
          found.add(kustomization);
        }
      }
    }
    return found;
  }

  /**
   * The images of the containers named regscope in the Deployments among the kustomization's own
   * resource files (patches, which name no image, are not resources).
   */
  private static List<String> regscopeImages(Path kustomization) throws IOException {
    List<String> images = new ArrayList<>();
    for (JsonNode resource : YAML.readTree(kustomization.toFile()).path("resources")) {
      Path file = kustomization.resolveSibling(resource.asText());
      if (!Files.isRegularFile(file) || !file.getParent().equals(kustomization.getParent())) {
        continue;
      }
      try (MappingIterator<JsonNode> docs =
          YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
        for (JsonNode doc : docs.readAll()) {
          if (doc.path("kind").asText().equals("Deployment")) {
            doc.path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .forEach(
                    c -> {
                      if (c.path("name").asText().equals("regscope")) {
                        images.add(c.path("image").asText());
                      }
                    });
          }
        }
      }
    }
    return images;
  }

  private static JsonNode imagesEntry(Path kustomization, String name) throws IOException {
    List<JsonNode> entries = new ArrayList<>();
    YAML.readTree(kustomization.toFile())
        .path("images")
        .forEach(
            e -> {
              if (e.path("name").asText().equals(name)) {
                entries.add(e);
              }
            });
    assertThat(entries).as("images: entries named %s in %s", name, kustomization).hasSize(1);
    return entries.get(0);
  }
}
