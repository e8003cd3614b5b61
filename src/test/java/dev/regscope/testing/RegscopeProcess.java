package dev.regscope.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code regscope serve} as its own JVM (the test's classpath, {@code dev.regscope.Main}), so a
 * test can kill it with SIGKILL mid-stream and start it again on the same port, as a crashing pod
 * would be.
 */
public final class RegscopeProcess implements AutoCloseable {
  private final List<String> command;
  private final java.util.Map<String, String> environment;
  private final Path log;
  private final int port;
  private Process process;

  private RegscopeProcess(List<String> command, Path log, int port) {
    this(command, log, port, java.util.Map.of());
  }

  private RegscopeProcess(
      List<String> command, Path log, int port, java.util.Map<String, String> environment) {
    this.environment = environment;
    this.command = command;
    this.log = log;
    this.port = port;
  }

  /**
   * Starts {@code regscope serve} on {@code port} with these extra arguments before the storage
   * path; it scans once an hour unless they say otherwise.
   */
  public static RegscopeProcess start(int port, Path storage, Path log, String... arguments) {
    RegscopeProcess regscope = new RegscopeProcess(serve(port, storage, arguments), log, port);
    regscope.launch();
    return regscope;
  }

  /**
   * As {@link #start}, under {@code regscope supervise} as the sidecar runs it: the process is
   * supervise's, and serve exports {@code regscope_restarts_total}.
   */
  public static RegscopeProcess startSupervised(
      int port, Path storage, Path log, String... arguments) {
    List<String> command = regscope("-Xmx16m");
    command.addAll(List.of("supervise", "--health-url", "http://127.0.0.1:" + port + "/-/healthy"));
    command.add("--");
    command.addAll(serve(port, storage, arguments));
    RegscopeProcess regscope = new RegscopeProcess(command, log, port);
    regscope.launch();
    return regscope;
  }

  private static List<String> serve(int port, Path storage, String... arguments) {
    List<String> command = regscope("-Xmx256m");
    command.addAll(List.of("serve", "--bind", "127.0.0.1", "--port", String.valueOf(port)));
    if (!List.of(arguments).contains("--scan-interval")) {
      command.addAll(List.of("--scan-interval", "1h"));
    }
    command.addAll(List.of(arguments));
    command.add(storage.toString());
    return command;
  }

  /** {@code java HEAP -cp <this build> dev.regscope.Main}, for the caller to add a command to. */
  private static List<String> regscope(String heap) {
    return new ArrayList<>(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            heap,
            "-cp",
            System.getProperty("java.class.path"),
            "dev.regscope.Main"));
  }

  /**
   * Starts {@code regscope ARGUMENTS} (any command that serves HTTP on {@code port}) and waits
   * until it answers {@code /-/healthy}.
   */
  public static RegscopeProcess command(int port, Path log, List<String> arguments) {
    return command(port, log, arguments, java.util.Map.of());
  }

  /**
   * As {@link #command(int, Path, List)}, with the variables of {@code environment} set and every
   * other {@code AWS_*} variable of this machine removed (an S3 source sees only what the test
   * gives it).
   */
  public static RegscopeProcess command(
      int port, Path log, List<String> arguments, java.util.Map<String, String> environment) {
    List<String> command = regscope("-Xmx256m");
    command.addAll(arguments);
    RegscopeProcess regscope = new RegscopeProcess(command, log, port, environment);
    regscope.launch();
    return regscope;
  }

  /** SIGTERM, as Kubernetes stops a pod; waits for the exit and returns its code. */
  public int terminate(Duration wait) {
    process.destroy(); // SIGTERM on Linux
    try {
      if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(
            "regscope did not exit within " + wait + " of SIGTERM:\n" + logTail());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }

  private ProcessBuilder builder() {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    if (!environment.isEmpty()) {
      builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
      builder.environment().putAll(environment);
    }
    return builder;
  }

  private void launch() {
    try {
      process = builder().start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("regscope exited with " + process.exitValue() + ":\n" + logTail());
      }
      try {
        HttpResponse<Void> response =
            http.send(
                HttpRequest.newBuilder(URI.create(base() + "/-/healthy"))
                    .timeout(Duration.ofSeconds(1))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted");
      }
      sleep(100);
    }
    throw new AssertionError("regscope did not answer within 30 s:\n" + logTail());
  }

  public String base() {
    return "http://127.0.0.1:" + port;
  }

  /** SIGKILL: no shutdown hook, no flush, no goodbye; like the OOM killer or a node failure. */
  public void kill9() {
    process.destroyForcibly(); // SIGKILL on Linux
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts it again with the same command, port and log. */
  public void restart() {
    launch();
  }

  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
