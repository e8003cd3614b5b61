package dev.regscope.manifest;

import dev.regscope.core.Digest;

/**
 * A reference from a manifest to a blob or another manifest; {@code size} is -1 where the format
 * has none (schema1).
 */
public record Descriptor(String mediaType, Digest digest, long size) {
  public static final long UNKNOWN_SIZE = -1;

  public boolean hasSize() {
    return size != UNKNOWN_SIZE;
  }
}
