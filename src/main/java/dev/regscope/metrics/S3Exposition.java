package dev.regscope.metrics;

import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * The S3 source's counters on {@code /metrics}: requests by operation (what object storage bills)
 * and errors by reason. Rendered on each scrape from a few numbers, after the scan's part.
 */
public final class S3Exposition {
  private S3Exposition() {}

  /** The families for these counts; pure, so tests read them without a server. */
  public static List<MetricFamilySamples> families(
      Map<String, Long> requests, Map<String, Long> errors) {
    CounterMetricFamily sent =
        new CounterMetricFamily(
            "regscope_s3_requests_total",
            "Requests sent to the bucket since start, by operation; each retry counts.",
            List.of("operation"));
    requests.forEach((operation, count) -> sent.addMetric(List.of(operation), count));
    CounterMetricFamily failed =
        new CounterMetricFamily(
            "regscope_s3_errors_total",
            "Errors the bucket answered or the connection met since start, by reason; throttled and"
                + " server errors count each attempt.",
            List.of("reason"));
    errors.forEach((reason, count) -> failed.addMetric(List.of(reason), count));
    return List.of(sent, failed);
  }

  /** The text and gzip forms of {@link #families}. */
  public static EventExposition.Rendered render(
      Map<String, Long> requests, Map<String, Long> errors) {
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    try (Writer writer =
        new BufferedWriter(new OutputStreamWriter(plain, StandardCharsets.UTF_8), 1 << 16)) {
      TextFormat.write004(writer, Collections.enumeration(families(requests, errors)));
    } catch (IOException e) {
      throw new UncheckedIOException("rendering into memory cannot fail", e);
    }
    ByteArrayOutputStream gzip = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gzip)) {
      out.write(plain.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("compressing in memory cannot fail", e);
    }
    return new EventExposition.Rendered(plain.toByteArray(), gzip.toByteArray());
  }
}
