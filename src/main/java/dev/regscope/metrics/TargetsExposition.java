package dev.regscope.metrics;

import dev.regscope.model.ScanState;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The {@code /metrics} body of many registries ({@code serve --targets-file}): each target's
 * families with a {@code registry} label on every series, merged so that every family appears once,
 * plus how reading the targets file went. Rendered again whenever a target publishes a scan or the
 * file is read, so a scrape only copies bytes.
 */
public final class TargetsExposition implements Supplier<ExpositionPart> {
  static final String LABEL = "registry";

  private final SeriesFilter filter;
  private final Map<String, ScanState> states = new TreeMap<>();
  private long reloads;
  private long failedReloads;
  private boolean lastReloadOk = true;
  private volatile RenderedExposition current;

  public TargetsExposition(SeriesFilter filter) {
    this.filter = filter;
    this.current = RenderedExposition.render(families());
  }

  /** A target's newest state; called from its scan thread. */
  public synchronized void publish(String registry, ScanState state) {
    states.put(registry, state);
    current = RenderedExposition.render(families());
  }

  /** A target taken out of the file: its series go. */
  public synchronized void remove(String registry) {
    if (states.remove(registry) != null) {
      current = RenderedExposition.render(families());
    }
  }

  /** The targets file was read: {@code ok} if it was used, false if the last good one stays. */
  public synchronized void reloaded(boolean ok) {
    if (ok) {
      reloads++;
    } else {
      failedReloads++;
    }
    lastReloadOk = ok;
    current = RenderedExposition.render(families());
  }

  @Override
  public ExpositionPart get() {
    return current;
  }

  /** The families as they are now; for tests. */
  synchronized List<MetricFamilySamples> families() {
    Map<String, MetricFamilySamples> merged = new LinkedHashMap<>();
    states.forEach(
        (registry, state) -> {
          for (MetricFamilySamples family : RegistryCollector.families(state, filter)) {
            MetricFamilySamples into =
                merged.computeIfAbsent(
                    family.name,
                    n -> new MetricFamilySamples(n, family.type, family.help, new ArrayList<>()));
            for (Sample sample : family.samples) {
              into.samples.add(labelled(sample, registry));
            }
          }
        });
    List<MetricFamilySamples> families = new ArrayList<>(merged.values());
    families.add(
        new GaugeMetricFamily(
            "regscope_targets_file_last_reload_successful",
            "1 if the last reading of the targets file was used, 0 if it was refused and the last"
                + " good one stays.",
            lastReloadOk ? 1 : 0));
    CounterMetricFamily readings =
        new CounterMetricFamily(
            "regscope_targets_file_reloads_total",
            "Readings of the targets file since start, by result: used, or refused (the reason is"
                + " logged).",
            List.of("result"));
    readings.addMetric(List.of("success"), reloads);
    readings.addMetric(List.of("failure"), failedReloads);
    families.add(readings);
    return families;
  }

  private static Sample labelled(Sample sample, String registry) {
    List<String> names = new ArrayList<>(sample.labelNames.size() + 1);
    List<String> values = new ArrayList<>(sample.labelValues.size() + 1);
    names.add(LABEL);
    values.add(registry);
    names.addAll(sample.labelNames);
    values.addAll(sample.labelValues);
    return new Sample(sample.name, names, values, sample.value, sample.timestampMs);
  }
}
