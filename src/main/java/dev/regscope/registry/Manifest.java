package dev.regscope.registry;

import dev.regscope.core.Digest;

/** A manifest as the registry served it, its bytes checked against {@code digest}. */
public record Manifest(Digest digest, String mediaType, byte[] bytes) {
  public Manifest {
    bytes = bytes.clone();
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  public int size() {
    return bytes.length;
  }
}
