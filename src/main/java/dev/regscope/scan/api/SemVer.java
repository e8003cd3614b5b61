package dev.regscope.scan.api;

import java.math.BigInteger;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tag read as a semantic version ({@code 1.2.3}, {@code v1.2.3-rc.1}, {@code 1.2.3+build}),
 * ordered by semver 2.0 precedence; pure.
 */
record SemVer(BigInteger major, BigInteger minor, BigInteger patch, String preRelease)
    implements Comparable<SemVer> {
  private static final Pattern SEMVER =
      Pattern.compile(
          "v?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
              + "(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?");
  private static final Pattern NUMERIC = Pattern.compile("0|[1-9]\\d*");

  /** The version a tag names, if it names one. */
  static Optional<SemVer> parse(String tag) {
    Matcher m = SEMVER.matcher(tag);
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(
        new SemVer(
            new BigInteger(m.group(1)),
            new BigInteger(m.group(2)),
            new BigInteger(m.group(3)),
            m.group(4) == null ? "" : m.group(4)));
  }

  @Override
  public int compareTo(SemVer other) {
    int c = major.compareTo(other.major);
    if (c == 0) {
      c = minor.compareTo(other.minor);
    }
    if (c == 0) {
      c = patch.compareTo(other.patch);
    }
    return c != 0 ? c : comparePreRelease(preRelease, other.preRelease);
  }

  /** A release ranks above its pre-releases; identifiers compare numerically or lexically. */
  private static int comparePreRelease(String a, String b) {
    if (a.isEmpty() || b.isEmpty()) {
      return Boolean.compare(a.isEmpty(), b.isEmpty());
    }
    String[] left = a.split("\\.");
    String[] right = b.split("\\.");
    for (int i = 0; i < Math.min(left.length, right.length); i++) {
      boolean leftNumber = NUMERIC.matcher(left[i]).matches();
      boolean rightNumber = NUMERIC.matcher(right[i]).matches();
      int c;
      if (leftNumber && rightNumber) {
        c = new BigInteger(left[i]).compareTo(new BigInteger(right[i]));
      } else if (leftNumber != rightNumber) {
        c = leftNumber ? -1 : 1; // numeric identifiers rank lower
      } else {
        c = left[i].compareTo(right[i]);
      }
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(left.length, right.length);
  }
}
