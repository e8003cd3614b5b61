package dev.regscope.storage;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * A content address, {@code algorithm:hex}, as the registry writes it in link files and manifests.
 *
 * <p>Parsing is strict because the hex part becomes a path below {@code blobs/}: only known algorithms and
 * lowercase hex are accepted, so {@code sha256:../../..} can never name a file outside the tree. Any length of
 * hex is accepted (old fixtures use short fake digests); a real sha256 digest has 64.
 */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {
  private static final Set<String> ALGORITHMS = Set.of("sha256", "sha384", "sha512");
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{1,128}");

  public Digest {
    if (!ALGORITHMS.contains(algorithm)) {
      throw new IllegalArgumentException("unknown digest algorithm: " + algorithm);
    }
    if (!HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException("digest is not lowercase hex: " + hex);
    }
  }

  /** Parses {@code sha256:<hex>}, throwing {@link InvalidDigestException} with the offending text otherwise. */
  public static Digest parse(String text) throws InvalidDigestException {
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw new InvalidDigestException("not a digest: " + printable(text));
    }
    String algorithm = text.substring(0, colon);
    String hex = text.substring(colon + 1);
    if (!ALGORITHMS.contains(algorithm)) {
      throw new InvalidDigestException("unknown digest algorithm: " + printable(text));
    }
    if (!HEX.matcher(hex).matches()) {
      throw new InvalidDigestException("digest is not lowercase hex: " + printable(text));
    }
    return new Digest(algorithm, hex);
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

  @Override
  public int compareTo(Digest other) {
    int byAlgorithm = algorithm.compareTo(other.algorithm);
    return byAlgorithm != 0 ? byAlgorithm : hex.compareTo(other.hex);
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }
}
