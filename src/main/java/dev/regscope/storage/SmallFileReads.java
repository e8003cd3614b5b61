package dev.regscope.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.Arrays;

/** Reads whole small files with as few system calls as a regular file allows. */
final class SmallFileReads {
  /**
   * Link files and most manifests fit here; a scan reads hundreds of thousands, so the buffer is
   * reused.
   */
  private static final int SMALL_READ = 8192;

  private static final int SHORT_READ_IS_END = 4096;
  private static final ThreadLocal<ByteBuffer> SMALL_READS =
      ThreadLocal.withInitial(() -> ByteBuffer.allocate(SMALL_READ));

  private SmallFileReads() {}

  static byte[] readAll(SeekableByteChannel channel, Path file, int limit) throws IOException {
    // Read up to one byte past the limit instead of asking for the size: one call fewer, and a file
    // that grows between a size check and the read cannot slip through.
    ByteBuffer buffer = SMALL_READS.get().clear().limit(Math.min(limit + 1, SMALL_READ));
    while (true) {
      if (!buffer.hasRemaining()) {
        if (buffer.limit() > limit) {
          throw new FileTooLargeException(file.toString(), limit);
        }
        ByteBuffer bigger = ByteBuffer.allocate(Math.min(limit + 1, buffer.limit() * 4));
        buffer.flip();
        bigger.put(buffer);
        buffer = bigger;
      }
      int before = buffer.position();
      int n = channel.read(buffer);
      if (n < 0
          || (n > 0
              && buffer.hasRemaining()
              && buffer.position() <= SHORT_READ_IS_END
              && before == 0)) {
        // A first read that stops short inside one page is the end of a regular file: this saves
        // the second read, which matters for the hundreds of thousands of 71-byte link files a scan
        // reads.
        return Arrays.copyOf(buffer.array(), buffer.position());
      }
    }
  }
}
