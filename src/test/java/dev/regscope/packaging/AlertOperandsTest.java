package dev.regscope.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How an alert's condition is taken apart for the real-Prometheus test. */
class AlertOperandsTest {
  @Test
  void aComparisonGivesItsLeftSideAndAbsentItsSeries() {
    assertThat(
            AlertOperands.of(
                "time() - regscope_scan_last_success_timestamp_seconds > 900\n"
                    + "  or absent(regscope_scan_last_success_timestamp_seconds)\n"))
        .containsExactly(
            "time() - regscope_scan_last_success_timestamp_seconds",
            "regscope_scan_last_success_timestamp_seconds");
    assertThat(
            AlertOperands.of(
                "max by (reason) (min_over_time(regscope_scan_problems{reason!=\"vanished\"}[15m])) > 0"))
        .containsExactly(
            "max by (reason) (min_over_time(regscope_scan_problems{reason!=\"vanished\"}[15m]))");
  }

  @Test
  void setOperatorsSplitWithTheirMatchingAndNamesThatContainThemStayWhole() {
    assertThat(
            AlertOperands.of(
                "max by (tested_registry, type) (registry_exporter_success) == 0\n"
                    + "  and on (tested_registry) max by (tested_registry) (registry_exporter_success) > 0"))
        .containsExactly(
            "max by (tested_registry, type) (registry_exporter_success)",
            "max by (tested_registry) (registry_exporter_success)");
    assertThat(AlertOperands.of("sum(regscope_events_store_errors_total) >= 1"))
        .containsExactly("sum(regscope_events_store_errors_total)");
    assertThat(AlertOperands.of("x{reason=\"a > b or c\"} < 2 unless y"))
        .containsExactly("x{reason=\"a > b or c\"}", "y");
  }
}
