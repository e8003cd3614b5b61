package dev.regscope.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Prometheus's tools say of regscope as it runs: {@code promtool check metrics} on the real
 * expositions of a {@link LiveDeployment} (every family present), and a real Prometheus scraping it
 * that answers every expression of the dashboard and the rules with data.
 */
@Timeout(600)
class LiveExpositionTest {
  /** The older exporter's gauges, whose names dashboards depend on: the only findings allowed. */
  static final Set<String> ALLOWED =
      Set.of(
          "repository_tags_total non-counter metrics should not have \"_total\" suffix",
          "repository_tag_layers_total non-counter metrics should not have \"_total\" suffix",
          "repository_revisions_total non-counter metrics should not have \"_total\" suffix");

  static final Path DASHBOARD = Path.of("k8s/grafana/regscope-dashboard.json");

  /** Grafana's variables, as Grafana fills them in: every job, every repository. */
  static final Map<String, String> VARIABLES =
      Map.of("$__rate_interval", "1m", "$job", ".*", "$repository", ".*");

  private static final Pattern LABEL_VALUES =
      Pattern.compile("^label_values\\((.*),\\s*\\w+\\)$", Pattern.DOTALL);

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static LiveDeployment live;

  @BeforeAll
  @Timeout(300)
  static void start() throws IOException {
    live = LiveDeployment.start(dir);
  }

  @AfterAll
  static void stop() {
    if (live != null) {
      live.close();
    }
  }

  @Test
  void promtoolCheckMetricsFindsOnlyTheOlderExportersThreeNames() throws IOException {
    Path promtool = ToolOrSkip.find("promtool");
    String storage = live.storageMetrics();
    String api = live.apiMetrics();
    // Every family has samples: damage, uploads, garbage collection, events, probes, the API.
    for (String family :
        List.of(
            "regscope_broken_tags{",
            "regscope_unpullable_tags{",
            "repository_missing_blobs{",
            "repository_uploads_in_progress{",
            "regscope_gc_reclaimable_bytes{",
            "repository_pulls_total{",
            "registry_events_total{",
            "registry_exporter_success{",
            "regscope_probe_duration_seconds_bucket{")) {
      assertThat(storage).as(family).contains(family);
    }
    assertThat(api).contains("regscope_api_requests_total{", "regscope_api_rate_limit_remaining{");
    String s3 = live.s3Metrics();
    assertThat(s3).contains("regscope_s3_requests_total{", "regscope_s3_errors_total{");

    // Kept in target/ for a look at what a deployment exposes.
    Path kept = Files.createDirectories(Path.of("target", "live-exposition"));
    Files.writeString(kept.resolve("storage.prom"), storage);
    Files.writeString(kept.resolve("api.prom"), api);
    Files.writeString(kept.resolve("s3.prom"), s3);
    List<String> findings = new ArrayList<>();
    for (var exposition : List.of(storage, api, s3)) {
      Path file = Files.writeString(Files.createTempFile(dir, "exposition", ".txt"), exposition);
      ToolOrSkip.Run check =
          ToolOrSkip.run(dir, List.of(promtool.toString(), "check", "metrics"), file);
      check.output().lines().filter(line -> !line.isBlank()).forEach(findings::add);
    }
    // The older exporter's repository-level name is always exposed: promtool really read it.
    assertThat(findings)
        .as("promtool check metrics")
        .isSubsetOf(ALLOWED)
        .contains("repository_tags_total non-counter metrics should not have \"_total\" suffix");
  }

  @Test
  void aRealPrometheusAnswersEveryExpressionOfTheDashboardAndTheRulesWithData() throws Exception {
    Path binary = ToolOrSkip.find("prometheus");
    Path home = Files.createDirectories(dir.resolve("prometheus"));
    List<String> ruleFiles = RuleManifests.writeRuleFiles(home);
    try (PrometheusServer prometheus =
        PrometheusServer.start(binary, home, ruleFiles, live.scrapeTargets())) {
      // Both exporters scraped a few times, and the rules evaluated: rates have two samples.
      prometheus.awaitData(
          "min(count_over_time(up{job=\"regscope\"}[10m])) >= 5 and count(up == 1) == 3",
          Duration.ofSeconds(120));
      prometheus.awaitData(
          "tested_registry_type:registry_exporter_success:avg_over_time1h", Duration.ofSeconds(60));

      Map<String, String> expressions = new LinkedHashMap<>();
      dashboardExpressions(JSON.readTree(DASHBOARD.toFile()), "", expressions);
      assertThat(expressions).hasSizeGreaterThan(40);
      List<String> alerts = new ArrayList<>();
      for (RuleManifests.Manifest manifest : RuleManifests.all()) {
        for (JsonNode rule : manifest.rules()) {
          String expr = rule.path("expr").asText();
          if (rule.has("record")) {
            expressions.put("record " + rule.path("record").asText(), expr);
          } else {
            alerts.add(rule.path("alert").asText());
            List<String> operands = AlertOperands.of(expr);
            for (int i = 0; i < operands.size(); i++) {
              expressions.put(
                  "alert " + rule.path("alert").asText() + " operand " + i, operands.get(i));
            }
            // The whole condition must parse; empty is its nature on a healthy system.
            PrometheusServer.Answer whole = prometheus.query(expr);
            assertThat(whole.status())
                .as(rule.path("alert").asText() + ": " + whole)
                .isEqualTo("success");
          }
        }
      }
      assertThat(alerts)
          .contains("RegscopeScanFailing", "RegscopeEventStoreFailing", "RegistryProbeNodeFailing");

      List<String> failures = new ArrayList<>();
      for (Map.Entry<String, String> e : expressions.entrySet()) {
        PrometheusServer.Answer answer = prometheus.query(e.getValue());
        if (!answer.status().equals("success") || answer.series() == 0) {
          failures.add(e.getKey() + ": " + e.getValue() + "\n  -> " + answer.body());
        }
      }
      assertThat(failures).as("expressions without data").isEmpty();
    }
  }

  /**
   * Every {@code expr} of the dashboard's panels, variables filled in, and the series each
   * templating variable's {@code label_values(series, label)} lists labels of.
   */
  private static void dashboardExpressions(JsonNode node, String where, Map<String, String> out) {
    if (node.isObject()) {
      String title = node.has("title") ? node.path("title").asText() : where;
      if (node.path("expr").isTextual()) {
        out.put(
            "panel " + title + " " + node.path("refId").asText(), fill(node.path("expr").asText()));
      }
      if (node.has("definition")) {
        Matcher labelValues = LABEL_VALUES.matcher(node.path("definition").asText());
        assertThat(labelValues.matches()).as(node.toString()).isTrue();
        out.put("variable " + node.path("name").asText(), fill(labelValues.group(1)));
      }
      node.fields().forEachRemaining(f -> dashboardExpressions(f.getValue(), title, out));
    } else if (node.isArray()) {
      node.forEach(child -> dashboardExpressions(child, where, out));
    }
  }

  private static String fill(String expr) {
    String filled = expr;
    for (Map.Entry<String, String> variable : VARIABLES.entrySet()) {
      filled = filled.replace(variable.getKey(), variable.getValue());
    }
    assertThat(filled).as("a Grafana variable the test does not fill in").doesNotContain("$");
    return filled;
  }
}
