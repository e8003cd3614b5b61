package dev.regscope.testing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Content the harness pushes or fetches (a layer, a config or a manifest): its bytes, their sha256
 * digest, the media type it travels under, and the size manifests declare for it (the bytes'
 * length, except for a foreign layer, which declares the size of the real one it stands for).
 */
public record Blob(String mediaType, String digest, byte[] bytes, long size) {

  public Blob {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(digest, "digest");
    bytes = bytes.clone();
  }

  public Blob(String mediaType, String digest, byte[] bytes) {
    this(mediaType, digest, bytes, bytes.length);
  }

  /** Whether clients fetch it elsewhere (a foreign layer): the registry need not hold it. */
  public boolean isExternal() {
    return mediaType.equals(MediaTypes.DOCKER_FOREIGN_LAYER);
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
    return "Blob[" + mediaType + ", " + digest + ", " + size + " bytes]";
  }
}
