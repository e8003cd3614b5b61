package dev.regscope.metrics;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Bytes kept as a list of 1 MiB chunks: a large exposition grows without the copy-on-double of a
 * {@code ByteArrayOutputStream} and without one huge array, and is written out chunk by chunk.
 */
final class ChunkedBytes extends OutputStream {
  private static final int CHUNK = 1 << 20;

  private final List<byte[]> chunks = new ArrayList<>();
  private byte[] current = new byte[CHUNK];
  private int position;
  private long size;
  private boolean closed;

  @Override
  public void write(int b) {
    if (position == current.length) {
      nextChunk();
    }
    current[position++] = (byte) b;
    size++;
  }

  @Override
  public void write(byte[] bytes, int offset, int length) {
    while (length > 0) {
      if (position == current.length) {
        nextChunk();
      }
      int n = Math.min(length, current.length - position);
      System.arraycopy(bytes, offset, current, position, n);
      position += n;
      offset += n;
      length -= n;
      size += n;
    }
  }

  private void nextChunk() {
    chunks.add(current);
    current = new byte[CHUNK];
    position = 0;
  }

  /** Trims the last chunk; no writes after this. */
  @Override
  public void close() {
    if (!closed) {
      chunks.add(Arrays.copyOf(current, position));
      current = null;
      closed = true;
    }
  }

  long size() {
    return size;
  }

  InputStream newInputStream() {
    List<InputStream> streams = new ArrayList<>();
    for (byte[] chunk : chunks) {
      streams.add(new ByteArrayInputStream(chunk));
    }
    return new SequenceInputStream(Collections.enumeration(streams));
  }

  void writeTo(OutputStream out) throws IOException {
    for (byte[] chunk : chunks) {
      out.write(chunk);
    }
  }
}
