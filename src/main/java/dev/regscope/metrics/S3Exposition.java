package dev.regscope.metrics;

import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.CounterMetricFamily;
import java.util.List;
import java.util.Map;

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
  public static ExpositionPart render(Map<String, Long> requests, Map<String, Long> errors) {
    return TextPart.render(families(requests, errors));
  }
}
