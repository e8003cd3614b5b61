package dev.regscope.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Prometheus text exposition into {@code series -> value}, where a series is written
 * canonically as {@code name{a="x",b="y"}} with labels sorted, so expositions from different
 * writers compare equal.
 */
public final class PromText {
  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)(\\s+\\d+)?");
  private static final Pattern LABEL =
      Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"\\s*,?");

  private PromText() {}

  /** The exposition {@code /metrics} would serve for one snapshot, parsed. */
  public static Map<String, Double> of(
      dev.regscope.model.Snapshot snapshot, dev.regscope.metrics.SeriesFilter filter) {
    java.io.StringWriter out = new java.io.StringWriter();
    try {
      dev.regscope.metrics.Exposition.write(
          dev.regscope.model.ScanState.EMPTY.after(snapshot), filter, out);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return parse(out.toString());
  }

  public static Map<String, Double> parse(String text) {
    Map<String, Double> series = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line.strip());
      if (!m.matches()) {
        throw new IllegalArgumentException("not a sample line: " + line);
      }
      String key = canonical(m.group(1), m.group(3));
      if (series.put(key, Double.parseDouble(m.group(4))) != null) {
        throw new IllegalArgumentException("duplicate series: " + key);
      }
    }
    return series;
  }

  private static String canonical(String name, String labels) {
    if (labels == null || labels.isBlank()) {
      return name;
    }
    Map<String, String> sorted = new TreeMap<>();
    Matcher m = LABEL.matcher(labels);
    int end = 0;
    while (m.find() && m.start() == end) {
      sorted.put(m.group(1), m.group(2));
      end = m.end();
    }
    if (end != labels.length()) {
      throw new IllegalArgumentException("bad labels: " + labels);
    }
    StringBuilder out = new StringBuilder(name).append('{');
    sorted.forEach((k, v) -> out.append(k).append("=\"").append(v).append("\","));
    out.setLength(out.length() - 1);
    return out.append('}').toString();
  }

  /** The canonical key of a series, for lookups in a parsed map. */
  public static String series(String name, String... labelPairs) {
    Map<String, String> sorted = new TreeMap<>();
    for (int i = 0; i < labelPairs.length; i += 2) {
      sorted.put(labelPairs[i], labelPairs[i + 1]);
    }
    if (sorted.isEmpty()) {
      return name;
    }
    StringBuilder out = new StringBuilder(name).append('{');
    sorted.forEach((k, v) -> out.append(k).append("=\"").append(v).append("\","));
    out.setLength(out.length() - 1);
    return out.append('}').toString();
  }
}
