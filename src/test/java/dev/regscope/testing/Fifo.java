package dev.regscope.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Makes a named pipe (FIFO) with coreutils' {@code mkfifo}: opening one for reading waits until a
 * writer comes, the way a read on a hung network mount never returns.
 */
public final class Fifo {
  private Fifo() {}

  /** Replaces whatever is at {@code path} with a FIFO. */
  public static Path at(Path path) {
    try {
      Files.createDirectories(path.getParent());
      Files.deleteIfExists(path);
      Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
      if (!mkfifo.waitFor(30, TimeUnit.SECONDS) || mkfifo.exitValue() != 0) {
        throw new AssertionError("mkfifo " + path + " failed");
      }
      return path;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run mkfifo", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
