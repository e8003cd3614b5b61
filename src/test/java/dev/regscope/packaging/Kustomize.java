package dev.regscope.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Assumptions;

/**
 * The k8s/ folders rendered as a user's {@code kubectl apply -k} renders them: by kubectl's own
 * kustomize, which must be version 5 (kubectl 1.27 or later).
 */
final class Kustomize {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern VERSION = Pattern.compile("Kustomize Version: v(\\d+)\\.");
  private static Path kubectl;

  private Kustomize() {}

  /**
   * kubectl with kustomize 5; an older one is skipped locally and fails under CI, like a missing
   * one.
   */
  static synchronized Path kubectl() {
    if (kubectl == null) {
      Path found = ToolOrSkip.find("kubectl");
      ToolOrSkip.Run version =
          ToolOrSkip.run(Path.of("."), List.of(found.toString(), "version", "--client"));
      Matcher matcher = VERSION.matcher(version.output());
      int major = matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
      if (major < 5) {
        String message =
            found + " has kustomize " + major + ", the manifests need 5 (kubectl 1.27 or later)";
        String ci = System.getenv("CI");
        if (ci != null && !ci.isEmpty()) {
          throw new AssertionError(message);
        }
        Assumptions.abort(message);
      }
      kubectl = found;
    }
    return kubectl;
  }

  /** The resources {@code kubectl kustomize dir} renders; it must succeed. */
  static List<JsonNode> render(Path dir) {
    ToolOrSkip.Run run =
        ToolOrSkip.run(Path.of("."), List.of(kubectl().toString(), "kustomize", dir.toString()));
    assertThat(run.exitCode()).as("kubectl kustomize %s: %s", dir, run.output()).isZero();
    return parse(run.output());
  }

  static List<JsonNode> parse(String yaml) {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      it.forEachRemaining(
          doc -> {
            if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
              docs.add(doc);
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return docs;
  }

  static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
    return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
  }

  /** The one resource of this kind and name. */
  static JsonNode one(List<JsonNode> docs, String kind, String name) {
    List<JsonNode> found =
        ofKind(docs, kind).stream()
            .filter(d -> d.path("metadata").path("name").asText().equals(name))
            .toList();
    assertThat(found).as("%s %s", kind, name).hasSize(1);
    return found.get(0);
  }

  static JsonNode podSpec(JsonNode deployment) {
    return deployment.path("spec").path("template").path("spec");
  }

  static JsonNode container(JsonNode deployment, String name) {
    return elements(podSpec(deployment).path("containers")).stream()
        .filter(c -> c.path("name").asText().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container named " + name));
  }

  static List<JsonNode> elements(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).toList();
  }

  static List<String> strings(JsonNode array) {
    return elements(array).stream().map(JsonNode::asText).toList();
  }
}
