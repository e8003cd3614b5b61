package dev.regscope.metrics;

import dev.regscope.supervise.Restarts;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.CounterMetricFamily;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code regscope_restarts_total{reason}}: how often the supervisor started {@code serve} again
 * (the container never restarted, so the kubelet's restart counter never saw it). Fixed for the
 * life of this process: rendered once.
 */
public final class RestartFamilies {
  private RestartFamilies() {}

  /** The family; pure. */
  public static List<MetricFamilySamples> families(Restarts restarts) {
    CounterMetricFamily family =
        new CounterMetricFamily(
            "regscope_restarts_total",
            "Times regscope supervise started serve again, by why the run before ended"
                + " (out_of_memory, killed, exited, unhealthy).",
            List.of("reason"));
    for (Restarts.Reason reason : Restarts.Reason.values()) {
      family.addMetric(List.of(reason.label()), restarts.byReason().getOrDefault(reason, 0L));
    }
    return List.of(family);
  }

  /** The part of {@code /metrics} that says them. */
  public static Supplier<ExpositionPart> part(Restarts restarts) {
    TextPart rendered = TextPart.render(families(restarts));
    return () -> rendered;
  }
}
