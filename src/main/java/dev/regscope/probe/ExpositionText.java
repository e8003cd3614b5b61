package dev.regscope.probe;

import java.util.Map;

/**
 * Writes the Prometheus text format (0.0.4) by hand, so families keep the exact names Konflux's
 * exporter gives them and numbers read as Go's client writes them ({@code le="1"}, not {@code
 * "1.0"}); pure.
 */
final class ExpositionText {
  private final StringBuilder out = new StringBuilder(4096);

  void family(String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  void sample(String name, Map<String, String> labels, double value) {
    out.append(name);
    if (!labels.isEmpty()) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, String> label : labels.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        out.append(label.getKey()).append("=\"").append(escape(label.getValue())).append('"');
      }
      out.append('}');
    }
    out.append(' ').append(number(value)).append('\n');
  }

  String text() {
    return out.toString();
  }

  /** Whole numbers without a fraction, others as Java writes them; Go's 'g' format agrees. */
  static String number(double value) {
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }

  static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"");
  }
}
