package dev.regscope.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A tiny file system of its own (a {@code tmpfs} with a size limit, mounted on a folder the test
 * owns), so a test can fill a volume for real: writes fail with {@code ENOSPC} as on a full disk.
 * Needs root (mount); skipped without, except under CI (env {@code CI} set), where it fails.
 */
public final class SmallVolume implements AutoCloseable {
  private final Path root;

  private SmallVolume(Path root) {
    this.root = root;
  }

  /** Mounts a {@code tmpfs} of {@code bytes} on {@code folder} (created if missing). */
  public static SmallVolume mount(Path folder, long bytes) {
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String why = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", folder + ""));
    if (why != null) {
      String message = "cannot mount a small tmpfs (needs root): " + why;
      String ci = System.getenv("CI");
      if (ci != null && !ci.isEmpty()) {
        fail(message);
      }
      Assumptions.abort(message);
    }
    return new SmallVolume(folder);
  }

  public Path root() {
    return root;
  }

  /** Bytes a new file can still take on this volume. */
  public long usable() {
    try {
      return Files.getFileStore(root).getUsableSpace();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Fills the volume with a file until at most {@code leave} bytes are free; the file frees it. */
  public Path fill(String name, long leave) {
    Path filler = root.resolve(name);
    byte[] block = new byte[4096];
    try (var out = Files.newOutputStream(filler)) {
      while (usable() > leave) {
        out.write(block);
        out.flush();
      }
    } catch (IOException e) {
      // full before the target: as intended
    }
    return filler;
  }

  @Override
  public void close() {
    // Lazy: a store a test left open (or the JVM's mapped -shm file) must not keep it mounted.
    String why = run(List.of("umount", "-l", root.toString()));
    if (why != null) {
      throw new IllegalStateException("cannot unmount " + root + ": " + why);
    }
  }

  /** Runs a command; null when it succeeded, else what it printed. */
  private static String run(List<String> command) {
    List<String> full = new ArrayList<>(command);
    try {
      Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return String.join(" ", full) + " did not finish";
      }
      return process.exitValue() == 0 ? null : new String(out, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
