package dev.regscope.testing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Content the harness pushes or fetches (a layer, a config or a manifest): its bytes, their sha256
 * digest and the media type it travels under.
 */
public record Blob(String mediaType, String digest, byte[] bytes) {

  public Blob {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(digest, "digest");
    bytes = bytes.clone();
  }

  /** A blob whose digest is computed from {@code bytes}. */
  public static Blob of(String mediaType, byte[] bytes) {
    return new Blob(mediaType, sha256(bytes), bytes);
  }

  /**
   * {@code sha256:<64 lowercase hex>} of {@code bytes}, the form the registry names every blob by.
   */
  public static String sha256(byte[] bytes) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  public long size() {
    return bytes.length;
  }

  /** The bytes as UTF-8 text, for manifests and configs in failure messages. */
  public String text() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  // The digest stands for the bytes, so it is enough for equality (records compare arrays by
  // identity).
  @Override
  public boolean equals(Object o) {
    return o instanceof Blob other
        && mediaType.equals(other.mediaType)
        && digest.equals(other.digest);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mediaType, digest);
  }

  @Override
  public String toString() {
    return "Blob[" + mediaType + ", " + digest + ", " + bytes.length + " bytes]";
  }
}
