package dev.regscope.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs an ecosystem tool (promtool, kubectl) as a process; without it a test is skipped, or, under
 * CI, fails: a skip there would hide that the check never ran.
 */
final class ToolOrSkip {
  /** A finished run: exit code and the output of both streams. */
  record Run(int exitCode, String output) {}

  private ToolOrSkip() {}

  static Path find(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir, name);
      if (!dir.isEmpty() && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    String message = "no " + name + " on the PATH";
    String ci = System.getenv("CI");
    if (ci != null && !ci.isEmpty()) {
      throw new AssertionError(message);
    }
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }

  static Run run(Path directory, List<String> command) {
    return run(directory, command, null);
  }

  /** Runs {@code command} with {@code input} (a file, or null for none) as its standard input. */
  static Run run(Path directory, List<String> command, Path input) {
    return run(
        new ProcessBuilder(command)
            .directory(directory.toFile())
            .redirectInput(
                input == null
                    ? ProcessBuilder.Redirect.PIPE
                    : ProcessBuilder.Redirect.from(input.toFile())));
  }

  /**
   * Runs {@code builder}'s command (its folder, environment and input) with both streams captured.
   */
  static Run run(ProcessBuilder builder) {
    List<String> command = builder.command();
    try {
      Path output = Files.createTempFile("tool", ".out");
      try {
        Process process = builder.redirectErrorStream(true).redirectOutput(output.toFile()).start();
        process.getOutputStream().close();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new AssertionError(command + " did not finish within 120 s");
        }
        return new Run(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + command, e);
    }
  }
}
