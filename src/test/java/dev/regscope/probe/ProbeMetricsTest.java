package dev.regscope.probe;

import static dev.regscope.testing.PromText.series;
import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.registry.ErrorClass;
import dev.regscope.registry.RepositoryUrl;
import dev.regscope.testing.PromText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The probe families: Konflux's registry exporter's four exactly as its source declares them
 * (names, types, labels, error classes, buckets), and regscope's own.
 */
class ProbeMetricsTest {
  private final ProbeTarget target =
      new ProbeTarget(RepositoryUrl.parse("https://quay.example/team/probe"));
  private final ProbeMetrics metrics = new ProbeMetrics("node-a", List.of(target));
  private final Instant at = Instant.parse("2026-05-01T12:00:00Z");

  private String text() throws IOException {
    try (InputStream in = metrics.exposition().open(false)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static TestResult success(
      ProbeType type, double seconds, long bytes, long imageSize, Instant at) {
    return new TestResult(
        type, true, null, "", Duration.ofMillis((long) (seconds * 1000)), 1, bytes, imageSize, at);
  }

  @Test
  void konfluxsFamiliesHaveItsNamesTypesAndLabels() throws IOException {
    metrics.tested(target, success(ProbeType.PULL, 1.2, 100, 10L << 20, at));
    String text = text();

    // As registryexporter's InitMetrics declares them, except its error_count counter, which
    // promtool check metrics flags (a counter ends in _total): registry_exporter_errors_total.
    assertThat(text)
        .contains("# TYPE registry_exporter_success gauge\n")
        .contains("# TYPE registry_exporter_errors_total counter\n")
        .contains("# TYPE registry_exporter_duration_seconds histogram\n")
        .contains("# TYPE registry_exporter_image_size_mbytes gauge\n")
        .doesNotContain("registry_exporter_error_count");
    Map<String, Double> series = PromText.parse(text);
    String[] labels = {"tested_registry", "quay.example", "node", "node-a", "type", "pull"};
    assertThat(series).containsEntry(series("registry_exporter_success", labels), 1.0);
    assertThat(series).containsEntry(series("registry_exporter_image_size_mbytes", labels), 10.0);
    for (String le : List.of("1", "1.5", "2", "4", "6", "8", "12", "16", "24", "32", "+Inf")) {
      assertThat(series)
          .containsEntry(
              series(
                  "registry_exporter_duration_seconds_bucket",
                  "tested_registry",
                  "quay.example",
                  "node",
                  "node-a",
                  "type",
                  "pull",
                  "le",
                  le),
              le.equals("1") ? 0.0 : 1.0);
    }
    assertThat(text)
        .contains(
            "registry_exporter_duration_seconds_bucket{tested_registry=\"quay.example\",node=\"node-a\",type=\"pull\",le=\"1\"} 0\n");
  }

  @Test
  void errorCountsExistFromTheStartForEveryClassAndCountFailedTests() throws IOException {
    Map<String, Double> before = PromText.parse(text());
    for (ProbeType type : ProbeType.values()) {
      for (String error :
          List.of(
              "TIMEOUT",
              "INVALID_REQUEST",
              "AUTHENTICATION",
              "NOT_FOUND",
              "SERVER_ERROR",
              "NETWORK_ERROR",
              "UNKNOWN")) {
        assertThat(before)
            .containsEntry(
                series(
                    "registry_exporter_errors_total",
                    "tested_registry",
                    "quay.example",
                    "node",
                    "node-a",
                    "type",
                    type.label(),
                    "error",
                    error),
                0.0);
      }
    }

    metrics.tested(
        target,
        new TestResult(
            ProbeType.PUSH,
            false,
            ErrorClass.TIMEOUT,
            "slow",
            Duration.ofSeconds(40),
            5,
            7,
            -1,
            at));
    Map<String, Double> after = PromText.parse(text());
    String[] push = {"tested_registry", "quay.example", "node", "node-a", "type", "push"};
    assertThat(after).containsEntry(series("registry_exporter_success", push), 0.0);
    assertThat(after)
        .containsEntry(
            series(
                "registry_exporter_errors_total",
                "tested_registry",
                "quay.example",
                "node",
                "node-a",
                "type",
                "push",
                "error",
                "TIMEOUT"),
            1.0);
    // The failed test's duration is recorded too, unlike Konflux.
    assertThat(after).containsEntry(series("registry_exporter_duration_seconds_count", push), 1.0);
    assertThat(after).containsEntry(series("registry_exporter_duration_seconds_sum", push), 40.0);
    assertThat(after).doesNotContainKey(series("registry_exporter_image_size_mbytes", push));
    assertThat(after)
        .containsEntry(
            series(
                "regscope_probe_bytes_total", "target", "quay.example/team/probe", "type", "push"),
            7.0);
  }

  @Test
  void everyAttemptLandsInTheFineHistogramByResult() throws IOException {
    metrics.attempted(target, ProbeType.PULL, false, Duration.ofMillis(3));
    metrics.attempted(target, ProbeType.PULL, true, Duration.ofMillis(30));
    Map<String, Double> series = PromText.parse(text());
    String[] failed = {"target", "quay.example/team/probe", "type", "pull", "result", "failure"};
    assertThat(series).containsEntry(series("regscope_probe_duration_seconds_count", failed), 1.0);
    assertThat(series)
        .containsEntry(
            series(
                "regscope_probe_duration_seconds_bucket",
                "target",
                "quay.example/team/probe",
                "type",
                "pull",
                "result",
                "failure",
                "le",
                "0.005"),
            1.0);
    assertThat(series)
        .containsEntry(
            series(
                "regscope_probe_duration_seconds_bucket",
                "target",
                "quay.example/team/probe",
                "type",
                "pull",
                "result",
                "success",
                "le",
                "0.025"),
            0.0);
    assertThat(series)
        .containsEntry(
            series(
                "regscope_probe_duration_seconds_bucket",
                "target",
                "quay.example/team/probe",
                "type",
                "pull",
                "result",
                "success",
                "le",
                "0.05"),
            1.0);
  }

  @Test
  void lastSuccessAndSkippedCycles() throws IOException {
    metrics.tested(target, success(ProbeType.METADATA, 0.1, 0, -1, at));
    metrics.skipped(target);
    metrics.skipped(target);
    Map<String, Double> series = PromText.parse(text());
    assertThat(series)
        .containsEntry(
            series(
                "regscope_probe_last_success_timestamp_seconds",
                "target",
                "quay.example/team/probe",
                "type",
                "metadata"),
            (double) at.getEpochSecond());
    assertThat(series)
        .containsEntry(
            series("regscope_probe_skipped_total", "target", "quay.example/team/probe"), 2.0);
  }

  @Test
  void gzipHoldsTheSameText() throws IOException {
    metrics.skipped(target);
    try (InputStream gzip = new GZIPInputStream(metrics.exposition().open(true))) {
      assertThat(new String(gzip.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(text());
    }
    assertThat(metrics.exposition().size(false))
        .isEqualTo(text().getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  void numbersReadAsGoWritesThem() {
    assertThat(ExpositionText.number(1)).isEqualTo("1");
    assertThat(ExpositionText.number(1.5)).isEqualTo("1.5");
    assertThat(ExpositionText.number(0.005)).isEqualTo("0.005");
    assertThat(ExpositionText.number(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    assertThat(ExpositionText.escape("a\"b\\c\nd")).isEqualTo("a\\\"b\\\\c\\nd");
  }
}
