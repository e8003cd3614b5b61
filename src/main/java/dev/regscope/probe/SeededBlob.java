package dev.regscope.probe;

import dev.regscope.core.Digest;
import dev.regscope.registry.BlobContent;
import dev.regscope.registry.ContentDigest;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.SplittableRandom;

/**
 * Random bytes that are never held: block {@code i} (64 KiB) is generated from {@code seed} and
 * {@code i} whenever it is read, so any range can be read again (a chunk, a retry) and a 10 MiB
 * layer costs 64 KiB of heap. The digest is computed once, by reading it all.
 */
final class SeededBlob implements BlobContent {
  static final int BLOCK = 64 * 1024;

  private final long seed;
  private final long size;
  private final Digest digest;

  SeededBlob(long seed, long size) {
    this.seed = seed;
    this.size = size;
    MessageDigest hasher = ContentDigest.hasher("sha256");
    byte[] block = new byte[BLOCK];
    for (long at = 0; at < size; at += BLOCK) {
      int n = fill(at / BLOCK, block, (int) Math.min(BLOCK, size - at));
      hasher.update(block, 0, n);
    }
    this.digest = ContentDigest.of("sha256", hasher);
  }

  @Override
  public Digest digest() {
    return digest;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public InputStream open(long offset, long length) {
    if (offset < 0 || length < 0 || offset + length > size) {
      throw new IndexOutOfBoundsException(offset + "+" + length + " of " + size);
    }
    return new Reader(offset, offset + length);
  }

  private int fill(long index, byte[] block, int length) {
    // Each block from its own generator, so reading starts anywhere without generating what is
    // before.
    SplittableRandom random = new SplittableRandom(seed ^ (index * 0x9E3779B97F4A7C15L));
    for (int i = 0; i < length; i += 8) {
      long value = random.nextLong();
      for (int b = 0; b < 8 && i + b < length; b++) {
        block[i + b] = (byte) (value >>> (8 * b));
      }
    }
    return length;
  }

  /** Generates the blocks of a range as they are read. */
  private final class Reader extends InputStream {
    private final byte[] block = new byte[BLOCK];
    private long position;
    private final long end;
    private long blockIndex = -1;

    Reader(long start, long end) {
      this.position = start;
      this.end = end;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int off, int len) {
      if (position >= end) {
        return -1;
      }
      long index = position / BLOCK;
      if (index != blockIndex) {
        fill(index, block, (int) Math.min(BLOCK, size - index * BLOCK));
        blockIndex = index;
      }
      int inBlock = (int) (position - index * BLOCK);
      int n = (int) Math.min(Math.min(len, BLOCK - inBlock), end - position);
      System.arraycopy(block, inBlock, into, off, n);
      position += n;
      return n;
    }
  }
}
