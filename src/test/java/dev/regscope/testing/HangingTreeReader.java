package dev.regscope.testing;

import dev.regscope.storage.TreeReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A reader whose calls on one chosen path, once armed, never return until released, ignoring
 * interrupts: a read on a hung network mount, which no timeout inside the JVM can cut short. Every
 * other call passes through.
 */
public final class HangingTreeReader extends ForwardingTreeReader {
  private final CountDownLatch released = new CountDownLatch(1);
  private final AtomicInteger stuck = new AtomicInteger();
  private volatile Path hangOn;

  public HangingTreeReader(TreeReader delegate) {
    super(delegate);
  }

  /** From now on, any call on {@code path} hangs. */
  public HangingTreeReader hangOn(Path path) {
    hangOn = path;
    return this;
  }

  /** Lets every hanging call go on, and no further call hang. */
  public void release() {
    hangOn = null;
    released.countDown();
  }

  /** Calls that have entered the hang so far. */
  public int stuck() {
    return stuck.get();
  }

  private void maybeHang(Path path) {
    if (path.equals(hangOn)) {
      stuck.incrementAndGet();
      boolean interrupted = false;
      while (true) {
        try {
          if (released.await(1, TimeUnit.HOURS)) {
            break;
          }
        } catch (InterruptedException e) {
          interrupted = true; // a read stuck in the kernel does not notice interrupts either
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public List<Entry> list(Path dir) throws IOException {
    maybeHang(dir);
    return super.list(dir);
  }

  @Override
  public List<String> names(Path dir) throws IOException {
    maybeHang(dir);
    return super.names(dir);
  }

  @Override
  public byte[] read(Path file, int limit) throws IOException {
    maybeHang(file);
    return super.read(file, limit);
  }

  @Override
  public long size(Path file) throws IOException {
    maybeHang(file);
    return super.size(file);
  }
}
