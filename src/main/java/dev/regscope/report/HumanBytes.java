package dev.regscope.report;

import java.util.Locale;

/**
 * Formats byte counts in binary units, the way {@code du -h} readers expect: {@code 512 B}, {@code
 * 1.5 MiB}.
 */
final class HumanBytes {
  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  private HumanBytes() {}

  static String format(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double value = bytes;
    int unit = 0;
    while (value >= 1024 && unit < UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(
        Locale.ROOT,
        value < 10 ? "%.2f %s" : value < 100 ? "%.1f %s" : "%.0f %s",
        value,
        UNITS[unit]);
  }
}
