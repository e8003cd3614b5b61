package dev.regscope.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * An {@code htpasswd} file with bcrypt entries (the only kind registry 2.8 reads), written by
 * Apache's {@code htpasswd -B} (Debian's apache2-utils); without it a test is skipped, or fails
 * under CI.
 */
public final class Htpasswd {
  static final Path BINARY = Path.of("/usr/bin/htpasswd");

  private Htpasswd() {}

  /** Writes {@code users} (name to password) into {@code file}. */
  public static Path write(Path file, Map<String, String> users) {
    if (!Files.isExecutable(BINARY)) {
      String message = "no " + BINARY + "; install Debian's apache2-utils";
      String ci = System.getenv("CI");
      if (ci != null && !ci.isEmpty()) {
        throw new AssertionError(message);
      }
      Assumptions.abort(message);
    }
    StringBuilder lines = new StringBuilder();
    users.forEach((name, password) -> lines.append(entry(name, password)).append('\n'));
    try {
      return Files.writeString(file, lines);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The registry config section that makes it ask for these users' passwords. */
  public static String registryYaml(Path file) {
    return "auth:\n  htpasswd:\n    realm: regscope-test\n    path: "
        + file.toAbsolutePath()
        + "\n";
  }

  private static String entry(String name, String password) {
    try {
      Process process =
          new ProcessBuilder(BINARY.toString(), "-nbB", "-C", "4", name, password).start();
      process.getOutputStream().close();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new AssertionError("htpasswd failed for " + name + ": " + out);
      }
      return out.strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
