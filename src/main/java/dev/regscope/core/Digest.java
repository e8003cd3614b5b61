package dev.regscope.core;

import java.util.Objects;

/**
 * A content address, {@code algorithm:hex}, as the registry writes it in link files and manifests.
 *
 * <p>Parsing is strict because the hex part becomes a path below {@code blobs/}: only known
 * algorithms and lowercase hex are accepted, so {@code sha256:../../..} can never name a file
 * outside the tree. Any length of hex is accepted (old fixtures use short fake digests); a real
 * sha256 digest has 64.
 *
 * <p>A scan of a large registry holds hundreds of thousands of digests, so a 64-hex digest is kept
 * as four longs (56 bytes) instead of a string (over 120).
 */
public final class Digest implements Comparable<Digest> {
  private static final int MAX_HEX = 128;

  private final String algorithm;
  private final long w0;
  private final long w1;
  private final long w2;
  private final long w3;

  /** The hex text when it is not 64 digits long; null for the compact form. */
  private final String otherHex;

  private final int hash;

  /**
   * @throws IllegalArgumentException if the algorithm is unknown or the hex is not lowercase hex
   */
  public Digest(String algorithm, String hex) {
    this.algorithm = knownAlgorithm(algorithm);
    if (this.algorithm == null) {
      throw new IllegalArgumentException("unknown digest algorithm: " + algorithm);
    }
    if (hex.length() == 64) {
      w0 = word(hex, 0);
      w1 = word(hex, 16);
      w2 = word(hex, 32);
      w3 = word(hex, 48);
      otherHex = null;
      hash = Long.hashCode(w0 ^ w3) * 31 + this.algorithm.hashCode();
    } else {
      if (!isLowercaseHex(hex)) {
        throw new IllegalArgumentException("digest is not lowercase hex: " + hex);
      }
      w0 = w1 = w2 = w3 = 0;
      otherHex = hex;
      hash = hex.hashCode() * 31 + this.algorithm.hashCode();
    }
  }

  private Digest(String algorithm, long w0, long w1, long w2, long w3) {
    this.algorithm = algorithm;
    this.w0 = w0;
    this.w1 = w1;
    this.w2 = w2;
    this.w3 = w3;
    this.otherHex = null;
    this.hash = Long.hashCode(w0 ^ w3) * 31 + algorithm.hashCode();
  }

  /** Whether this digest is 64 hex digits, the form {@link #words} and {@link #fromWords} carry. */
  public boolean isCompact() {
    return otherHex == null;
  }

  /**
   * The four 64-bit words of a 64-hex digest, most significant first, into {@code out} at {@code
   * at}.
   */
  public void words(long[] out, int at) {
    out[at] = w0;
    out[at + 1] = w1;
    out[at + 2] = w2;
    out[at + 3] = w3;
  }

  /**
   * Compares this 64-hex digest with the four words at {@code at}, unsigned, most significant
   * first.
   */
  int compareWords(long[] words, int at) {
    int c = Long.compareUnsigned(w0, words[at]);
    if (c == 0) {
      c = Long.compareUnsigned(w1, words[at + 1]);
      if (c == 0) {
        c = Long.compareUnsigned(w2, words[at + 2]);
        if (c == 0) {
          c = Long.compareUnsigned(w3, words[at + 3]);
        }
      }
    }
    return c;
  }

  /** The first byte of a 64-hex digest: which of the 256 prefix folders holds it. */
  int firstByte() {
    return (int) (w0 >>> 56);
  }

  public static Digest fromWords(String algorithm, long[] words, int at) {
    return new Digest(
        knownAlgorithm(algorithm), words[at], words[at + 1], words[at + 2], words[at + 3]);
  }

  /**
   * Parses {@code sha256:<hex>}, throwing {@link InvalidDigestException} with the offending text
   * otherwise.
   */
  public static Digest parse(String text) throws InvalidDigestException {
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw new InvalidDigestException("not a digest: " + printable(text));
    }
    if (knownAlgorithm(text.substring(0, colon)) == null) {
      throw new InvalidDigestException("unknown digest algorithm: " + printable(text));
    }
    try {
      return new Digest(text.substring(0, colon), text.substring(colon + 1));
    } catch (IllegalArgumentException e) {
      throw new InvalidDigestException("digest is not lowercase hex: " + printable(text));
    }
  }

  /**
   * Sixteen lowercase hex digits at {@code at} as a long, validating as it goes: one pass instead
   * of a regular expression and a parse, for the hundreds of thousands of links a scan reads.
   */
  private static long word(String hex, int at) {
    long value = 0;
    for (int i = at; i < at + 16; i++) {
      char c = hex.charAt(i);
      int digit;
      if (c >= '0' && c <= '9') {
        digit = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        digit = c - 'a' + 10;
      } else {
        throw new IllegalArgumentException("digest is not lowercase hex: " + hex);
      }
      value = (value << 4) | digit;
    }
    return value;
  }

  /** The canonical (shared) string of a known algorithm, or null. */
  private static String knownAlgorithm(String algorithm) {
    if (algorithm.equals("sha256")) {
      return "sha256";
    }
    if (algorithm.equals("sha512")) {
      return "sha512";
    }
    return algorithm.equals("sha384") ? "sha384" : null;
  }

  private static boolean isLowercaseHex(String hex) {
    int n = hex.length();
    if (n == 0 || n > MAX_HEX) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = hex.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /** Shortens and escapes untrusted text so it fits on one log line. */
  static String printable(String text) {
    String cut = text.length() > 80 ? text.substring(0, 80) + "…" : text;
    StringBuilder out = new StringBuilder();
    for (char c : cut.toCharArray()) {
      out.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
    }
    return "\"" + out + "\"";
  }

  public String algorithm() {
    return algorithm;
  }

  /** The first two hex digits (or the whole hex, if shorter): the blob store's prefix folder. */
  public String prefix() {
    if (otherHex != null) {
      return otherHex.length() >= 2 ? otherHex.substring(0, 2) : otherHex;
    }
    return PREFIXES[(int) (w0 >>> 56)];
  }

  private static final String[] PREFIXES = new String[256];

  static {
    for (int i = 0; i < 256; i++) {
      PREFIXES[i] = String.format("%02x", i);
    }
  }

  public String hex() {
    if (otherHex != null) {
      return otherHex;
    }
    StringBuilder out = new StringBuilder(64);
    for (long word : new long[] {w0, w1, w2, w3}) {
      String part = Long.toHexString(word);
      out.append("0".repeat(16 - part.length())).append(part);
    }
    return out.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Digest d
        && hash == d.hash
        && algorithm.equals(d.algorithm)
        && w0 == d.w0
        && w1 == d.w1
        && w2 == d.w2
        && w3 == d.w3
        && Objects.equals(otherHex, d.otherHex);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public int compareTo(Digest other) {
    int byAlgorithm = algorithm.compareTo(other.algorithm);
    return byAlgorithm != 0 ? byAlgorithm : hex().compareTo(other.hex());
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex();
  }
}
