package dev.regscope.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event store's alerts in {@code k8s/prometheusrule.yaml}, run by Prometheus's own {@code
 * promtool}: the rules pass its check, and its unit tests make each alert fire on the series that
 * must and stay quiet on those that must not.
 */
@Timeout(180)
class EventAlertsTest {
  @TempDir Path dir;

  @Test
  void promtoolChecksTheRulesAndEachEventAlertFiresWhereItMustAndOnlyThere() throws Exception {
    Path promtool = ToolOrSkip.find("promtool");
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    yaml.writeValue(
        dir.resolve("rules.yml").toFile(),
        yaml.readTree(Path.of("k8s", "prometheusrule.yaml").toFile()).get("spec"));
    Files.copy(
        Path.of("src/test/resources/promtool/event-rules-test.yml"),
        dir.resolve("event-rules-test.yml"));

    ToolOrSkip.Run check =
        ToolOrSkip.run(dir, List.of(promtool.toString(), "check", "rules", "rules.yml"));
    assertThat(check.exitCode()).as(check.output()).isZero();
    ToolOrSkip.Run test =
        ToolOrSkip.run(dir, List.of(promtool.toString(), "test", "rules", "event-rules-test.yml"));
    assertThat(test.exitCode()).as(test.output()).isZero();
    assertThat(test.output()).contains("SUCCESS");
  }
}
