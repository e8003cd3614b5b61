package dev.regscope.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs the registry's own collector, {@code <binary> garbage-collect [--delete-untagged]
 * [--dry-run] <config>}, on a {@link RegistryProcess}'s config and storage: the reference for what
 * regscope says garbage collection would delete.
 *
 * <p>The collector works on the storage directly, never through the serving registry. A dry run
 * only reads, so it runs beside a serving registry. A real run deletes; 2.8 neither checks for nor
 * locks out a running registry, but a push while it runs can lose the blobs it brings (marked too
 * late), and a registry configured with {@code cache: blobdescriptor: inmemory} keeps answering 200
 * for blobs the run deleted. {@link #collect} hence stops the registry, collects, and starts it
 * again.
 *
 * <p>2.8.2 prints the same stdout with and without {@code --dry-run}; a real run logs each deletion
 * on stderr. On a storage without {@code repositories/} (nothing pushed yet) it exits with 1
 * ("failed to mark: ... Path not found"), which fails here like any other non-zero exit.
 */
public final class GarbageCollector {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** What the run looks for beyond unreferenced blobs. */
  public enum Mode {
    /** {@code garbage-collect}: blobs that no revision of any repository references. */
    UNREFERENCED(List.of()),
    /**
     * {@code garbage-collect --delete-untagged}: also revisions that no tag's {@code current/link}
     * names.
     */
    UNTAGGED(List.of("--delete-untagged"));

    private final List<String> flags;

    Mode(List<String> flags) {
      this.flags = flags;
    }
  }

  /**
   * One finished run of the collector: the command line, its exit code, stdout and stderr (2.8 logs
   * there).
   */
  public record Output(List<String> command, int exitCode, String stdout, String stderr) {
    public Output {
      command = List.copyOf(command);
      Objects.requireNonNull(stdout, "stdout");
      Objects.requireNonNull(stderr, "stderr");
    }

    /** The run, for failure messages. */
    public String describe() {
      return String.join(" ", command)
          + "\nexit code "
          + exitCode
          + "\n--- stdout\n"
          + stdout
          + "--- stderr\n"
          + stderr;
    }
  }

  /**
   * A real run: what it printed, read back, and the registry serving the collected storage again.
   */
  public record Collected(GcReport report, Output output, RegistryProcess registry) {}

  private final Path binary;

  /**
   * A collector run by {@code binary}, the same {@code registry}/{@code docker-registry} that
   * serves.
   */
  public GarbageCollector(Path binary) {
    this.binary = Objects.requireNonNull(binary, "binary");
  }

  /** The collector of the binary {@code registry} runs. */
  public static GarbageCollector of(RegistryProcess registry) {
    return new GarbageCollector(registry.binary());
  }

  /**
   * {@code garbage-collect [--delete-untagged] --dry-run} on the registry's storage; the registry
   * may keep serving.
   */
  public GcReport dryRun(RegistryProcess registry, Mode mode) {
    Output output = run(registry.configFile(), mode, true);
    return parse(output);
  }

  /**
   * A real {@code garbage-collect [--delete-untagged]}: stops {@code registry}, collects, and
   * starts it again on the same config, storage and port. The returned registry replaces {@code
   * registry}, which is closed.
   */
  public Collected collect(RegistryProcess registry, Mode mode) {
    registry.close();
    Output output = run(registry.configFile(), mode, false);
    GcReport report = parse(output);
    return new Collected(report, output, registry.restart());
  }

  /**
   * Runs {@code garbage-collect [--delete-untagged] --dry-run} on the registry's storage and
   * returns what it printed and its exit code, whatever they are: for storage the collector
   * refuses.
   */
  public Output attemptDryRun(RegistryProcess registry, Mode mode) {
    List<String> command = new ArrayList<>(List.of(binary.toString(), "garbage-collect"));
    command.addAll(mode.flags);
    command.add("--dry-run");
    command.add(registry.configFile().toString());
    return execute(command);
  }

  /**
   * Runs the collector on {@code configFile} and fails with its whole output unless it exits with
   * 0. A real run ({@code dryRun} false) must not overlap a serving registry on the same storage;
   * see the class comment.
   */
  public Output run(Path configFile, Mode mode, boolean dryRun) {
    List<String> command = new ArrayList<>(List.of(binary.toString(), "garbage-collect"));
    command.addAll(mode.flags);
    if (dryRun) {
      command.add("--dry-run");
    }
    command.add(configFile.toString());
    Output output = execute(command);
    if (output.exitCode() != 0) {
      throw new AssertionError("garbage-collect failed:\n" + output.describe());
    }
    return output;
  }

  private static GcReport parse(Output output) {
    try {
      return GcReport.parse(output.stdout());
    } catch (IllegalArgumentException e) {
      throw new AssertionError(
          "cannot read the collector's output: "
              + e.getMessage()
              + "\n--- stderr\n"
              + output.stderr(),
          e);
    }
  }

  private static Output execute(List<String> command) {
    Path stdout = null;
    Path stderr = null;
    try {
      // Files rather than pipes: no reader threads, and nothing blocks when the collector prints a
      // lot.
      stdout = Files.createTempFile("garbage-collect", ".out");
      stderr = Files.createTempFile("garbage-collect", ".err");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectOutput(stdout.toFile())
              .redirectError(stderr.toFile());
      // REGISTRY_* variables override the config file, as for the serving registry.
      builder.environment().keySet().removeIf(name -> name.startsWith("REGISTRY_"));
      builder.environment().remove("AWS_CA_BUNDLE"); // as for the serving registry

      Process process = builder.start();
      process.getOutputStream().close();
      if (!waitFor(process, command)) {
        process.destroyForcibly();
        throw new AssertionError(
            String.join(" ", command)
                + " did not finish within "
                + TIMEOUT
                + "; stdout so far:\n"
                + Files.readString(stdout));
      }
      return new Output(
          command, process.exitValue(), Files.readString(stdout), Files.readString(stderr));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } finally {
      deleteQuietly(stdout);
      deleteQuietly(stderr);
    }
  }

  private static boolean waitFor(Process process, List<String> command) {
    try {
      return process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + String.join(" ", command), e);
    }
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // A leftover temp file is harmless.
    }
  }
}
