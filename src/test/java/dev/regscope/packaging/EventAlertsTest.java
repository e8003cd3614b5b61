package dev.regscope.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event store's alerts in {@code k8s/prometheusrule.yaml}, run by Prometheus's own {@code
 * promtool test rules} on series that must make each fire and series that must keep it quiet.
 */
class EventAlertsTest {
  @TempDir Path dir;

  @Test
  @Timeout(120)
  void eachEventAlertFiresWhereItMustAndOnlyThere() throws Exception {
    Path promtool = promtoolOrSkip();
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    JsonNode rule = yaml.readTree(Path.of("k8s", "prometheusrule.yaml").toFile());
    yaml.writeValue(dir.resolve("rules.yml").toFile(), rule.get("spec")); // {groups: [...]}
    try (InputStream tests = getClass().getResourceAsStream("/prometheus/event-alerts.test.yml")) {
      Files.copy(tests, dir.resolve("event-alerts.test.yml"));
    }
    Process process =
        new ProcessBuilder(promtool.toString(), "test", "rules", "event-alerts.test.yml")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("SUCCESS");
  }

  static Path promtoolOrSkip() throws IOException {
    for (String folder : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path candidate = Path.of(folder, "promtool");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    String message = "promtool is not installed (Debian: apt-get install prometheus)";
    String ci = System.getenv("CI");
    if (ci != null && !ci.isEmpty()) {
      fail(message);
    }
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }
}
