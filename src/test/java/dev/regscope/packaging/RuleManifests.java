package dev.regscope.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every PrometheusRule under {@code k8s/}, as the Prometheus rule file its {@code spec} is: written
 * as {@code <metadata.name>.rules.yml}, the name the promtool unit tests in {@code
 * src/test/resources/promtool/} load.
 */
final class RuleManifests {
  static final Path K8S = Path.of("k8s");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** One PrometheusRule: where it is, the file name its rules get, and its spec. */
  record Manifest(Path source, String fileName, JsonNode spec) {
    /** Every rule (alert or record) of every group. */
    List<JsonNode> rules() {
      List<JsonNode> rules = new ArrayList<>();
      spec.path("groups").forEach(group -> group.path("rules").forEach(rules::add));
      return rules;
    }
  }

  private RuleManifests() {}

  static List<Manifest> all() throws IOException {
    List<Manifest> manifests = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(K8S)) {
      files =
          walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
              .sorted()
              .toList();
    }
    for (Path file : files) {
      try (MappingIterator<JsonNode> docs =
          YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
        while (docs.hasNext()) {
          JsonNode doc = docs.next();
          if (doc != null && doc.path("kind").asText().equals("PrometheusRule")) {
            manifests.add(
                new Manifest(
                    file,
                    doc.path("metadata").path("name").asText() + ".rules.yml",
                    doc.path("spec")));
          }
        }
      }
    }
    return manifests;
  }

  /** Writes each manifest's rule file into {@code dir}; returns their names. */
  static List<String> writeRuleFiles(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    for (Manifest manifest : all()) {
      YAML.writeValue(dir.resolve(manifest.fileName()).toFile(), manifest.spec());
      names.add(manifest.fileName());
    }
    return names;
  }
}
