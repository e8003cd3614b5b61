package dev.regscope.probe;

import dev.regscope.metrics.ExpositionPart;
import dev.regscope.registry.ErrorClass;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * The probe families: Konflux's four ({@code registry_exporter_*}, names, labels, error classes and
 * buckets exactly as its exporter has them) and regscope's ({@code regscope_probe_*}). Updated by
 * the cycles, rendered once per update, so a scrape copies bytes.
 */
public final class ProbeMetrics {
  static final double[] KONFLUX_BUCKETS = {1, 1.5, 2, 4, 6, 8, 12, 16, 24, 32};

  /** From 5 ms, and Konflux's bounds among them, so both histograms compare. */
  static final double[] FINE_BUCKETS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 4, 6, 8, 12, 16, 24, 32, 64, 128
  };

  private static final double MIB = 1024 * 1024;

  /** One target's series. */
  private static final class Series {
    final Map<ProbeType, Double> success = new EnumMap<>(ProbeType.class);
    final Map<ProbeType, Map<ErrorClass, Long>> errors = new EnumMap<>(ProbeType.class);
    final Map<ProbeType, Histogram> konfluxDuration = new EnumMap<>(ProbeType.class);
    final Map<ProbeType, Double> imageSize = new EnumMap<>(ProbeType.class);
    final Map<ProbeType, Histogram> succeeded = new EnumMap<>(ProbeType.class);
    final Map<ProbeType, Histogram> failed = new EnumMap<>(ProbeType.class);
    final Map<ProbeType, Double> lastSuccess = new EnumMap<>(ProbeType.class);
    final Map<ProbeType, Long> bytes = new EnumMap<>(ProbeType.class);
    long skipped;

    Series() {
      for (ProbeType type : ProbeType.values()) {
        Map<ErrorClass, Long> zero = new EnumMap<>(ErrorClass.class);
        for (ErrorClass error : ErrorClass.values()) {
          zero.put(error, 0L); // present from the start, so increase() sees the first error
        }
        errors.put(type, zero);
        succeeded.put(type, new Histogram(FINE_BUCKETS));
        failed.put(type, new Histogram(FINE_BUCKETS));
        bytes.put(type, 0L);
      }
    }
  }

  /** Text and its gzip member. */
  private record Rendered(byte[] plain, byte[] gzip) implements ExpositionPart {
    @Override
    public long size(boolean gzip) {
      return gzip ? this.gzip.length : plain.length;
    }

    @Override
    public InputStream open(boolean gzip) {
      return new ByteArrayInputStream(gzip ? this.gzip : plain);
    }
  }

  private final String node;
  private final Map<ProbeTarget, Series> series = new LinkedHashMap<>();
  private volatile Rendered rendered;

  public ProbeMetrics(String node, List<ProbeTarget> targets) {
    this.node = node;
    targets.forEach(target -> series.put(target, new Series()));
    render();
  }

  synchronized void attempted(ProbeTarget target, ProbeType type, boolean success, Duration took) {
    Series s = series.get(target);
    (success ? s.succeeded : s.failed).get(type).observe(seconds(took));
    render();
  }

  synchronized void tested(ProbeTarget target, TestResult result) {
    Series s = series.get(target);
    ProbeType type = result.type();
    s.success.put(type, result.success() ? 1.0 : 0.0);
    if (!result.success()) {
      s.errors.get(type).merge(result.error(), 1L, Long::sum);
    } else {
      s.lastSuccess.put(type, result.finishedAt().toEpochMilli() / 1000.0);
      if (result.imageSize() >= 0 && (type == ProbeType.PULL || type == ProbeType.PUSH)) {
        s.imageSize.put(type, result.imageSize() / MIB);
      }
    }
    // Every test's duration, failed ones too (Konflux records only successes: a dashboard never
    // sees how long failures take).
    s.konfluxDuration
        .computeIfAbsent(type, t -> new Histogram(KONFLUX_BUCKETS))
        .observe(seconds(result.elapsed()));
    s.bytes.merge(type, result.bytes(), Long::sum);
    render();
  }

  synchronized void skipped(ProbeTarget target) {
    series.get(target).skipped++;
    render();
  }

  /** The current rendering, for {@code /metrics}. */
  public ExpositionPart exposition() {
    return rendered;
  }

  private void render() {
    ExpositionText text = new ExpositionText();
    text.family(
        "registry_exporter_success",
        "gauge",
        "Whether the last test of the registry succeeded (1) or not (0).");
    each(
        (target, s, type) ->
            gauge(text, "registry_exporter_success", konflux(target, type), s.success.get(type)));
    text.family(
        "registry_exporter_errors_total",
        "counter",
        "Tests of the registry that failed, by the class of their last error.");
    each(
        (target, s, type) ->
            s.errors
                .get(type)
                .forEach(
                    (error, n) -> {
                      Map<String, String> labels = konflux(target, type);
                      labels.put("error", error.name());
                      text.sample("registry_exporter_errors_total", labels, n);
                    }));
    text.family(
        "registry_exporter_duration_seconds",
        "histogram",
        "How long tests of the registry took, retries included, failed tests too.");
    each(
        (target, s, type) -> {
          Histogram h = s.konfluxDuration.get(type);
          if (h != null) {
            h.write(text, "registry_exporter_duration_seconds", konflux(target, type));
          }
        });
    text.family(
        "registry_exporter_image_size_mbytes",
        "gauge",
        "Size in MiB of the image's layers as the registry reports them, for pull and push tests.");
    each(
        (target, s, type) ->
            gauge(
                text,
                "registry_exporter_image_size_mbytes",
                konflux(target, type),
                s.imageSize.get(type)));
    text.family(
        "regscope_probe_duration_seconds",
        "histogram",
        "How long each attempt of a probe test took, by result.");
    each(
        (target, s, type) -> {
          s.succeeded
              .get(type)
              .write(text, "regscope_probe_duration_seconds", own(target, type, "success"));
          s.failed
              .get(type)
              .write(text, "regscope_probe_duration_seconds", own(target, type, "failure"));
        });
    text.family(
        "regscope_probe_last_success_timestamp_seconds",
        "gauge",
        "When a probe test last succeeded, in seconds since the epoch.");
    each(
        (target, s, type) ->
            gauge(
                text,
                "regscope_probe_last_success_timestamp_seconds",
                own(target, type, null),
                s.lastSuccess.get(type)));
    text.family(
        "regscope_probe_bytes_total",
        "counter",
        "Bytes probe tests sent or received: blobs and manifests, failed attempts included.");
    each(
        (target, s, type) ->
            text.sample("regscope_probe_bytes_total", own(target, type, null), s.bytes.get(type)));
    text.family(
        "regscope_probe_skipped_total",
        "counter",
        "Probe cycles not started because the previous one still ran at their time.");
    series.forEach(
        (target, s) -> {
          Map<String, String> labels = new LinkedHashMap<>();
          labels.put("target", target.label());
          text.sample("regscope_probe_skipped_total", labels, s.skipped);
        });
    rendered = encode(text.text());
  }

  private interface PerType {
    void write(ProbeTarget target, Series s, ProbeType type);
  }

  private void each(PerType write) {
    series.forEach(
        (target, s) -> {
          for (ProbeType type : ProbeType.values()) {
            write.write(target, s, type);
          }
        });
  }

  private static void gauge(
      ExpositionText text, String name, Map<String, String> labels, Double value) {
    if (value != null) {
      text.sample(name, labels, value);
    }
  }

  private Map<String, String> konflux(ProbeTarget target, ProbeType type) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("tested_registry", target.testedRegistry());
    labels.put("node", node);
    labels.put("type", type.label());
    return labels;
  }

  private static Map<String, String> own(ProbeTarget target, ProbeType type, String result) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("target", target.label());
    labels.put("type", type.label());
    if (result != null) {
      labels.put("result", result);
    }
    return labels;
  }

  private static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }

  private static Rendered encode(String text) {
    byte[] plain = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream gzip = new ByteArrayOutputStream(plain.length / 4 + 64);
    try (GZIPOutputStream out = new GZIPOutputStream(gzip)) {
      out.write(plain);
    } catch (IOException e) {
      throw new UncheckedIOException("gzip into memory cannot fail", e);
    }
    return new Rendered(plain, gzip.toByteArray());
  }
}
