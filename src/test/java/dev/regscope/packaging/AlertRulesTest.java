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
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every PrometheusRule in {@code k8s/} passes {@code promtool check rules}, every promtool unit
 * test in {@code src/test/resources/promtool/} passes against the rules as shipped, and every alert
 * has a unit test where it fires and one where it stays quiet.
 */
@Timeout(300)
class AlertRulesTest {
  private static final Path UNIT_TESTS = Path.of("src/test/resources/promtool");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir Path dir;

  @Test
  void promtoolChecksEveryRuleFileInTheManifests() throws IOException {
    Path promtool = ToolOrSkip.find("promtool");
    List<String> ruleFiles = RuleManifests.writeRuleFiles(dir);
    assertThat(ruleFiles).contains("regscope.rules.yml", "regscope-probes.rules.yml");
    for (String file : ruleFiles) {
      ToolOrSkip.Run check =
          ToolOrSkip.run(dir, List.of(promtool.toString(), "check", "rules", file));
      assertThat(check.exitCode()).as(check.output()).isZero();
      assertThat(check.output()).as(file).contains("SUCCESS");
    }
  }

  @Test
  void promtoolPassesEveryUnitTestOnTheRulesAsShipped() throws IOException {
    Path promtool = ToolOrSkip.find("promtool");
    RuleManifests.writeRuleFiles(dir);
    List<Path> tests = unitTests();
    assertThat(tests).isNotEmpty();
    for (Path test : tests) {
      Files.copy(test, dir.resolve(test.getFileName()));
      ToolOrSkip.Run run =
          ToolOrSkip.run(
              dir, List.of(promtool.toString(), "test", "rules", test.getFileName().toString()));
      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(run.output()).as(test.toString()).contains("SUCCESS");
    }
  }

  @Test
  void everyAlertHasAUnitTestWhereItFiresAndOneWhereItStaysQuiet() throws IOException {
    Set<String> ruleFiles = new TreeSet<>();
    Set<String> alerts = new TreeSet<>();
    for (RuleManifests.Manifest manifest : RuleManifests.all()) {
      ruleFiles.add(manifest.fileName());
      manifest.rules().stream()
          .filter(rule -> rule.has("alert"))
          .forEach(rule -> assertThat(alerts.add(rule.path("alert").asText())).isTrue());
    }
    assertThat(alerts).contains("RegscopeEventStoreFailing", "RegistryProbesFailingEverything");

    Map<String, Set<String>> cases = new TreeMap<>();
    for (Path test : unitTests()) {
      JsonNode tests = YAML.readTree(test.toFile());
      tests.path("rule_files").forEach(file -> assertThat(ruleFiles).contains(file.asText()));
      for (JsonNode group : tests.path("tests")) {
        for (JsonNode check : group.path("alert_rule_test")) {
          String kind = check.path("exp_alerts").isEmpty() ? "quiet" : "fires";
          cases.computeIfAbsent(check.path("alertname").asText(), a -> new TreeSet<>()).add(kind);
        }
      }
    }
    List<String> missing = new ArrayList<>();
    for (String alert : alerts) {
      for (String kind : List.of("fires", "quiet")) {
        if (!cases.getOrDefault(alert, Set.of()).contains(kind)) {
          missing.add(alert + " " + kind);
        }
      }
    }
    assertThat(missing).as("alerts without a promtool unit test case").isEmpty();
    assertThat(alerts).as("unit tests of alerts no manifest has").containsAll(cases.keySet());
  }

  private static List<Path> unitTests() throws IOException {
    try (Stream<Path> files = Files.list(UNIT_TESTS)) {
      return files.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
    }
  }
}
