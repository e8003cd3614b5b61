package dev.regscope.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class PromQlMetricNamesTest {
  @Test
  void namesTheSelectedMetrics() {
    assertThat(PromQlMetricNames.in("time() - a_seconds > 900 or absent(a_seconds)"))
        .containsExactly("a_seconds");
  }

  @Test
  void skipsAggregationsWithGroupingBeforeOrAfterTheirArgument() {
    assertThat(
            PromQlMetricNames.in("sum by (reason) (increase(a_total[30m])) + max(b) without (l)"))
        .containsExactlyInAnyOrder("a_total", "b");
  }

  @Test
  void skipsLabelMatchersStringsDurationsNumbersAndKeywords() {
    assertThat(
            PromQlMetricNames.in(
                "rate(a_total{job=\"x\", le=\"1e3\"}[5m:1m] offset 5m) > bool 1e3"
                    + " or on(job) group_left(instance) b:rate unless topk(1, c)"))
        .containsExactlyInAnyOrder("a_total", "b:rate", "c");
  }
}
