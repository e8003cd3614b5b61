package dev.regscope.registry;

import dev.regscope.core.Digest;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Computes the digest of content as the registry names it ({@code sha256:<hex>}); pure. */
public final class ContentDigest {
  private ContentDigest() {}

  /** A fresh hasher for {@code algorithm} ({@code sha256}, {@code sha512}). */
  public static MessageDigest hasher(String algorithm) {
    try {
      return MessageDigest.getInstance(
          switch (algorithm) {
            case "sha256" -> "SHA-256";
            case "sha512" -> "SHA-512";
            default -> throw new IllegalArgumentException("unknown digest algorithm " + algorithm);
          });
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has " + algorithm, e);
    }
  }

  public static Digest of(String algorithm, MessageDigest hasher) {
    return new Digest(algorithm, HexFormat.of().formatHex(hasher.digest()));
  }

  public static Digest sha256(byte[] bytes) {
    MessageDigest hasher = hasher("sha256");
    hasher.update(bytes);
    return of("sha256", hasher);
  }

  /** The digest of {@code bytes} under the algorithm of {@code like}. */
  static Digest sameAlgorithm(Digest like, byte[] bytes) {
    MessageDigest hasher = hasher(like.algorithm());
    hasher.update(bytes);
    return of(like.algorithm(), hasher);
  }
}
