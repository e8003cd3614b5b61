package dev.regscope.registry;

import dev.regscope.core.Digest;
import java.io.IOException;
import java.io.InputStream;

/**
 * Content to upload as a blob: its digest and size are known before it is sent (the final {@code
 * PUT} names the digest), and any range of it can be read again (chunks, a retry after a 401).
 */
public interface BlobContent {
  Digest digest();

  long size();

  /** {@code length} bytes from {@code offset}. */
  InputStream open(long offset, long length) throws IOException;

  /** Content held in memory, for configs and small blobs. */
  static BlobContent of(byte[] bytes) {
    Digest digest = ContentDigest.sha256(bytes);
    byte[] copy = bytes.clone();
    return new BlobContent() {
      @Override
      public Digest digest() {
        return digest;
      }

      @Override
      public long size() {
        return copy.length;
      }

      @Override
      public InputStream open(long offset, long length) {
        return new java.io.ByteArrayInputStream(copy, (int) offset, (int) length);
      }
    };
  }
}
