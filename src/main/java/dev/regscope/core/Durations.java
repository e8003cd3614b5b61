package dev.regscope.core;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads durations the way Prometheus users write them: {@code 0}, {@code 500ms}, {@code 60s},
 * {@code 5m}, {@code 1h}, {@code 7d}; a bare number is seconds. Pure.
 */
public final class Durations {
  private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)?");

  private Durations() {}

  /** The duration {@code value} writes; the exception's message names the value. */
  public static Duration parse(String value) {
    Matcher m = FORMAT.matcher(value.trim());
    if (!m.matches()) {
      if (value.trim().startsWith("-")) {
        throw new IllegalArgumentException(
            "'" + value + "' is negative: a duration is 0 or more (examples: 0, 30s, 5m, 1h)");
      }
      throw new IllegalArgumentException(
          "'" + value + "' is not a duration (examples: 0, 30s, 5m, 1h)");
    }
    long amount = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      case "d" -> Duration.ofDays(amount);
      default -> Duration.ofSeconds(amount);
    };
  }
}
