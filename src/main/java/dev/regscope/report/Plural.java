package dev.regscope.report;

/** A count with its noun in the right number: "1 blob", "2 blobs", "1 repository". Pure. */
public final class Plural {
  private Plural() {}

  /** {@code count} and {@code noun}, with an "s" unless the count is 1. */
  public static String of(long count, String noun) {
    return of(count, noun, noun + "s");
  }

  /** {@code count} and {@code one} or {@code many}. */
  public static String of(long count, String one, String many) {
    return count + " " + (count == 1 ? one : many);
  }

  /** The same, the count padded to {@code width} as a table column. */
  static String padded(long count, int width, String noun) {
    return String.format("%" + width + "d %s", count, count == 1 ? noun : noun + "s");
  }
}
