package dev.regscope.registry;

import dev.regscope.core.Digest;

/**
 * A manifest as the registry served it, its bytes checked against {@code digest}. For a signed
 * schema1 manifest these are the signed payload, the bytes its digest names, without the signatures
 * the registry wraps around it when serving it.
 */
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
