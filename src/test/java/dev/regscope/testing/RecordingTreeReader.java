package dev.regscope.testing;

import dev.regscope.storage.TreeReader;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link TreeReader} that passes every call on and remembers what was asked and what came back.
 * Safe for a scan that reads from several threads.
 */
public final class RecordingTreeReader implements TreeReader {
  /**
   * One {@code read}: the file, the limit the caller gave, and the bytes handed back (-1 if it
   * threw).
   */
  public record Read(Path file, int limit, int bytesReturned) {}

  private final TreeReader delegate;
  private final List<Path> touched = new CopyOnWriteArrayList<>();
  private final List<Read> reads = new CopyOnWriteArrayList<>();
  private final List<Path> timed = new CopyOnWriteArrayList<>();

  public RecordingTreeReader(TreeReader delegate) {
    this.delegate = delegate;
  }

  /** Every path passed to any operation, in call order. */
  public List<Path> touched() {
    return List.copyOf(touched);
  }

  public List<Read> reads() {
    return List.copyOf(reads);
  }

  /** Every path whose modification time was asked, in call order. */
  public List<Path> modifiedTimesAsked() {
    return List.copyOf(timed);
  }

  @Override
  public List<Entry> list(Path dir) throws IOException {
    touched.add(dir);
    return delegate.list(dir);
  }

  @Override
  public List<String> names(Path dir) throws IOException {
    touched.add(dir);
    return delegate.names(dir);
  }

  @Override
  public byte[] read(Path file, int limit) throws IOException {
    touched.add(file);
    try {
      byte[] bytes = delegate.read(file, limit);
      reads.add(new Read(file, limit, bytes.length));
      return bytes;
    } catch (IOException e) {
      reads.add(new Read(file, limit, -1));
      throw e;
    }
  }

  @Override
  public long size(Path file) throws IOException {
    touched.add(file);
    return delegate.size(file);
  }

  @Override
  public boolean isSymbolicLink(Path path) {
    touched.add(path);
    return delegate.isSymbolicLink(path);
  }

  @Override
  public FileTime modifiedTime(Path path) throws IOException {
    touched.add(path);
    timed.add(path);
    return delegate.modifiedTime(path);
  }

  @Override
  public boolean exists(Path path) {
    touched.add(path);
    return delegate.exists(path);
  }
}
