package dev.regscope.metrics;

import dev.regscope.model.ScanState;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.GaugeMetricFamily;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The part of {@code /metrics} that changes between scans, rendered at each scrape (two samples):
 * how old the published snapshot is, so a scan that hangs or keeps failing shows, and the scan
 * timeout in force.
 */
public final class ScanFreshness implements Supplier<ExpositionPart> {
  private final Supplier<ScanState> published;
  private final Clock clock;
  private final Instant started;
  private final Supplier<Optional<Duration>> timeout;

  /**
   * @param published the state {@code /metrics} serves now
   * @param started when the process started: the age before the first snapshot
   * @param timeout the scan timeout in force, if scans have one
   */
  public ScanFreshness(
      Supplier<ScanState> published,
      Clock clock,
      Instant started,
      Supplier<Optional<Duration>> timeout) {
    this.published = published;
    this.clock = clock;
    this.started = started;
    this.timeout = timeout;
  }

  @Override
  public ExpositionPart get() {
    return TextPart.render(families(published.get(), clock.instant(), started, timeout.get()));
  }

  /** The families at {@code now}; pure. */
  static List<MetricFamilySamples> families(
      ScanState state, Instant now, Instant started, Optional<Duration> timeout) {
    Instant taken = state.latest().map(s -> s.finishedAt()).orElse(started);
    List<MetricFamilySamples> families = new ArrayList<>();
    families.add(
        new GaugeMetricFamily(
            "regscope_snapshot_age_seconds",
            "Seconds since the published snapshot's scan finished; before the first, since"
                + " regscope started.",
            Math.max(0, Duration.between(taken, now).toMillis()) / 1e3));
    timeout.ifPresent(
        limit ->
            families.add(
                new GaugeMetricFamily(
                    "regscope_scan_timeout_seconds",
                    "How long a scan may run before it is abandoned (--scan-timeout).",
                    limit.toMillis() / 1e3)));
    return families;
  }
}
