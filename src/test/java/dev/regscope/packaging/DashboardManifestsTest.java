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
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Grafana dashboard: every panel and query reads the {@code ${datasource}} variable, it covers
 * what an operator looks at, and {@code k8s/grafana/} renders it into the ConfigMap Grafana's
 * sidecar loads. (A real Prometheus answers its queries in {@link LiveExpositionTest}.)
 */
@Timeout(120)
class DashboardManifestsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void everyPanelReadsTheDatasourceVariableAndTheRowsCoverWhatAnOperatorLooksAt()
      throws IOException {
    JsonNode dashboard = JSON.readTree(LiveExpositionTest.DASHBOARD.toFile());
    Set<String> variables = new TreeSet<>();
    dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
    assertThat(variables).contains("datasource", "job", "repository");
    Set<String> rows = new TreeSet<>();
    Set<Integer> ids = new TreeSet<>();
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(ids.add(panel.path("id").asInt())).as("unique panel id").isTrue();
      if (panel.path("type").asText().equals("row")) {
        rows.add(panel.path("title").asText());
        continue;
      }
      assertThat(panel.path("datasource").path("uid").asText())
          .as(panel.path("title").asText())
          .isEqualTo("${datasource}");
      assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
      for (JsonNode target : panel.path("targets")) {
        assertThat(target.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
        assertThat(target.path("expr").asText()).isNotBlank();
      }
    }
    assertThat(rows)
        .containsExactlyInAnyOrder(
            "Storage",
            "Garbage collection",
            "Broken tags and missing blobs",
            "Uploads",
            "Scan health",
            "Pulls (event store)",
            "Probes",
            "Registries read over the API",
            "Buckets read over S3");
  }

  @Test
  void kustomizeRendersTheDashboardIntoAConfigMapTheGrafanaSidecarLoads() throws IOException {
    Path kubectl = ToolOrSkip.find("kubectl");
    ToolOrSkip.Run render =
        ToolOrSkip.run(Path.of("."), List.of(kubectl.toString(), "kustomize", "k8s/grafana"));
    assertThat(render.exitCode()).as(render.output()).isZero();
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        YAML.readerFor(JsonNode.class).readValues(render.output())) {
      it.forEachRemaining(docs::add);
    }
    assertThat(docs).hasSize(1);
    JsonNode configMap = docs.get(0);
    assertThat(configMap.path("kind").asText()).isEqualTo("ConfigMap");
    assertThat(configMap.path("metadata").path("labels").path("grafana_dashboard").asText())
        .isEqualTo("1");
    assertThat(configMap.path("data").path("regscope-dashboard.json").asText())
        .isEqualTo(Files.readString(LiveExpositionTest.DASHBOARD));
  }
}
