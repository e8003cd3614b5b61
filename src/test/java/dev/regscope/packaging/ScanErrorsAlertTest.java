package dev.regscope.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped alert on scan damage fires on damage that every scan finds, never on a single scan's
 * blip (a push, retag or delete caught mid-way), checked by Prometheus's own {@code promtool test
 * rules} on the rules exactly as shipped.
 */
@Timeout(120)
class ScanErrorsAlertTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir Path dir;

  /** Debian's promtool (package prometheus); a skip locally without it, a failure under CI. */
  private static Path promtool() {
    for (String folder : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path candidate = Path.of(folder, "promtool");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    String message = "no promtool on the PATH; install Debian's prometheus package";
    String ci = System.getenv("CI");
    if (ci != null && !ci.isEmpty()) {
      fail(message);
    }
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }

  @Test
  void firesOnDamageEveryScanFindsNeverOnABlip() throws Exception {
    Path promtool = promtool();
    JsonNode rule = YAML.readTree(Path.of("k8s/prometheusrule.yaml").toFile());
    Path rules = dir.resolve("rules.yaml");
    YAML.writeValue(rules.toFile(), rule.path("spec"));
    JsonNode alert =
        Stream.of(rule.path("spec").path("groups").get(0).path("rules"))
            .flatMap(r -> java.util.stream.StreamSupport.stream(r.spliterator(), false))
            .filter(r -> r.path("alert").asText().equals("RegscopeScanErrors"))
            .findFirst()
            .orElseThrow();
    ObjectNode annotations = YAML.createObjectNode();
    alert
        .path("annotations")
        .fields()
        .forEachRemaining(
            a ->
                annotations.put(
                    a.getKey(),
                    a.getValue()
                        .asText()
                        .replace("{{ $labels.reason }}", "bad_link")
                        .replace("{{ $value | humanize }}", "2")));

    // One sample a minute, as a scan every minute gives: a push caught mid-way by one scan
    // (missing_link), damage every scan finds from minute 5 on (bad_link), and deletes at work.
    ObjectNode tests = YAML.createObjectNode();
    tests.putArray("rule_files").add("rules.yaml");
    tests.put("evaluation_interval", "1m");
    ObjectNode test = tests.putArray("tests").addObject().put("interval", "1m");
    var series = test.putArray("input_series");
    series
        .addObject()
        .put("series", "regscope_scan_problems{reason=\"missing_link\"}")
        .put("values", "0 0 1 0x60");
    series
        .addObject()
        .put("series", "regscope_scan_problems{reason=\"bad_link\"}")
        .put("values", "0x5 2x60");
    series
        .addObject()
        .put("series", "regscope_scan_problems{reason=\"vanished\"}")
        .put("values", "4x60");
    var checks = test.putArray("alert_rule_test");
    // Quiet through the blip; quiet at 22 min (found by every scan since minute 20, pending);
    // firing at 30 min.
    for (String quiet : List.of("10m", "22m")) {
      checks
          .addObject()
          .put("eval_time", quiet)
          .put("alertname", "RegscopeScanErrors")
          .putArray("exp_alerts");
    }
    ObjectNode firing =
        checks
            .addObject()
            .put("eval_time", "30m")
            .put("alertname", "RegscopeScanErrors")
            .putArray("exp_alerts")
            .addObject();
    firing.putObject("exp_labels").put("severity", "warning").put("reason", "bad_link");
    firing.set("exp_annotations", annotations);
    String testsYaml = YAML.writeValueAsString(tests);
    Files.writeString(dir.resolve("tests.yaml"), testsYaml);

    Process process =
        new ProcessBuilder(promtool.toString(), "test", "rules", "tests.yaml")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("promtool test rules:\n%s\n%s", output, testsYaml).isZero();
    assertThat(output).contains("SUCCESS");
  }
}
