package dev.regscope.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** {@link TreeReader} over any {@code java.nio} file system: the default one in production, Jimfs in tests. */
public final class NioTreeReader implements TreeReader {
  private static final Set<OpenOption> READ_NO_FOLLOW = Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);

  @Override
  public List<Entry> list(Path dir) throws IOException {
    if (Files.isSymbolicLink(dir)) {
      throw new NotDirectoryException(dir.toString());
    }
    List<Entry> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path child : stream) {
        entries.add(new Entry(child.getFileName().toString(), typeOf(child)));
      }
    }
    return entries;
  }

  private static EntryType typeOf(Path path) {
    try {
      BasicFileAttributes attributes =
          Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (attributes.isSymbolicLink()) {
        return EntryType.SYMLINK;
      }
      if (attributes.isDirectory()) {
        return EntryType.DIRECTORY;
      }
      return attributes.isRegularFile() ? EntryType.FILE : EntryType.OTHER;
    } catch (IOException vanished) {
      // Listed a moment ago, gone now: the caller meets the same absence when it looks inside.
      return EntryType.OTHER;
    }
  }

  @Override
  public List<String> names(Path dir) throws IOException {
    if (Files.isSymbolicLink(dir)) {
      throw new NotDirectoryException(dir.toString());
    }
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path child : stream) {
        names.add(child.getFileName().toString());
      }
    }
    return names;
  }

  @Override
  public byte[] read(Path file, int limit) throws IOException {
    try (SeekableByteChannel channel = Files.newByteChannel(file, READ_NO_FOLLOW)) {
      // Read up to one byte past the limit instead of asking for the size: one call fewer, and a file that
      // grows between a size check and the read cannot slip through.
      ByteBuffer buffer = ByteBuffer.allocate(Math.min(limit + 1, 8192));
      while (true) {
        if (!buffer.hasRemaining()) {
          if (buffer.capacity() > limit) {
            throw new FileTooLargeException(file.toString(), limit);
          }
          ByteBuffer bigger = ByteBuffer.allocate(Math.min(limit + 1, buffer.capacity() * 4));
          buffer.flip();
          bigger.put(buffer);
          buffer = bigger;
        }
        if (channel.read(buffer) < 0) {
          return Arrays.copyOf(buffer.array(), buffer.position());
        }
      }
    }
  }

  @Override
  public long size(Path file) throws IOException {
    BasicFileAttributes attributes =
        Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (attributes.isSymbolicLink()) {
      throw new java.nio.file.FileSystemException(file.toString(), null, "is a symbolic link");
    }
    return attributes.size();
  }

  @Override
  public boolean isSymbolicLink(Path path) {
    return Files.isSymbolicLink(path);
  }

  @Override
  public boolean exists(Path path) {
    return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
  }
}
