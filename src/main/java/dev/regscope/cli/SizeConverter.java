package dev.regscope.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads sizes: {@code 4096} (bytes), {@code 64KiB}, {@code 10MiB}, {@code 1GiB}, or decimal {@code
 * 10MB}.
 */
public final class SizeConverter implements ITypeConverter<Long> {
  private static final Pattern FORMAT =
      Pattern.compile("(\\d{1,12})\\s*(b|kib|mib|gib|kb|mb|gb)?", Pattern.CASE_INSENSITIVE);

  @Override
  public Long convert(String value) {
    Matcher m = FORMAT.matcher(value.trim());
    if (!m.matches()) {
      throw new TypeConversionException(
          "'" + value + "' is not a size (examples: 4096, 64KiB, 10MiB, 1GiB)");
    }
    long amount = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    return Math.multiplyExact(
        amount,
        switch (unit) {
          case "kib" -> 1L << 10;
          case "mib" -> 1L << 20;
          case "gib" -> 1L << 30;
          case "kb" -> 1_000L;
          case "mb" -> 1_000_000L;
          case "gb" -> 1_000_000_000L;
          default -> 1L;
        });
  }
}
