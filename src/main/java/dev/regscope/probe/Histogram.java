package dev.regscope.probe;

import java.util.LinkedHashMap;
import java.util.Map;

/** A Prometheus histogram's state: counts per upper bound, sum and count. Not thread-safe. */
final class Histogram {
  private final double[] bounds;
  private final long[] counts;
  private double sum;
  private long count;

  Histogram(double[] bounds) {
    this.bounds = bounds.clone();
    this.counts = new long[bounds.length];
  }

  void observe(double value) {
    for (int i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]) {
        counts[i]++;
      }
    }
    sum += value;
    count++;
  }

  long count() {
    return count;
  }

  /** Cumulative buckets, {@code +Inf}, {@code _sum} and {@code _count}, as the format wants. */
  void write(ExpositionText text, String name, Map<String, String> labels) {
    for (int i = 0; i < bounds.length; i++) {
      text.sample(name + "_bucket", with(labels, ExpositionText.number(bounds[i])), counts[i]);
    }
    text.sample(name + "_bucket", with(labels, "+Inf"), count);
    text.sample(name + "_sum", labels, sum);
    text.sample(name + "_count", labels, count);
  }

  private static Map<String, String> with(Map<String, String> labels, String le) {
    Map<String, String> all = new LinkedHashMap<>(labels);
    all.put("le", le);
    return all;
  }
}
