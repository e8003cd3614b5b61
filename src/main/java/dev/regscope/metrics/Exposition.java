package dev.regscope.metrics;

import dev.regscope.model.ScanState;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.Writer;
import java.util.Collections;

/** Writes a state in the Prometheus text format, exactly as {@code /metrics} serves it. */
public final class Exposition {
  private Exposition() {}

  public static void write(ScanState state, Writer out) throws IOException {
    write(state, SeriesFilter.ALL, out);
  }

  public static void write(ScanState state, SeriesFilter filter, Writer out) throws IOException {
    TextFormat.write004(
        out,
        Collections.<MetricFamilySamples>enumeration(RegistryCollector.families(state, filter)));
    out.flush();
  }
}
