package dev.regscope.testing;

import dev.regscope.storage.TreeReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@link TreeReader} that passes every call to a real one; tests override a method to inject a
 * fault.
 */
public class ForwardingTreeReader implements TreeReader {
  private final TreeReader delegate;

  public ForwardingTreeReader(TreeReader delegate) {
    this.delegate = delegate;
  }

  @Override
  public List<Entry> list(Path dir) throws IOException {
    return delegate.list(dir);
  }

  @Override
  public List<String> names(Path dir) throws IOException {
    return delegate.names(dir);
  }

  @Override
  public byte[] read(Path file, int limit) throws IOException {
    return delegate.read(file, limit);
  }

  @Override
  public long size(Path file) throws IOException {
    return delegate.size(file);
  }

  @Override
  public boolean isSymbolicLink(Path path) {
    return delegate.isSymbolicLink(path);
  }

  @Override
  public boolean exists(Path path) {
    return delegate.exists(path);
  }
}
