package dev.regscope.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * {@code regscope serve} in its own JVM, started with exactly the JVM flags given (none: as a plain
 * {@code java -jar} runs it), so its memory can be read from {@code /proc} and {@code jcmd}.
 */
final class ServeJvm implements AutoCloseable {
  private static final Pattern SCANS =
      Pattern.compile("(?m)^regscope_scans_total(?:\\{[^}]*\\})? ([0-9.eE+]+)$");
  private static final Pattern G1 = Pattern.compile("total (\\d+)K, used (\\d+)K");

  private final Process process;
  private final int port;
  private final HttpClient http = HttpClient.newHttpClient();

  private ServeJvm(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static ServeJvm start(Path tree, Path log, List<String> jvm, List<String> serve)
      throws IOException {
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvm);
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "dev.regscope.Main",
            "serve",
            "--bind",
            "127.0.0.1",
            "--port",
            String.valueOf(port)));
    command.addAll(serve);
    command.add(tree.toString());
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new ServeJvm(process, port);
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  /**
   * {@code regscope_scans_total} from /metrics (gzip, as Prometheus asks), or -1 before the server
   * answers.
   */
  long scans() {
    try {
      HttpResponse<byte[]> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                  .header("Accept-Encoding", "gzip")
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != 200) {
        return -1;
      }
      byte[] body = response.body();
      String text =
          response.headers().firstValue("Content-Encoding").orElse("").equals("gzip")
              ? new String(
                  new GZIPInputStream(new java.io.ByteArrayInputStream(body)).readAllBytes(),
                  StandardCharsets.UTF_8)
              : new String(body, StandardCharsets.UTF_8);
      Matcher m = SCANS.matcher(text);
      return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Waits until at least {@code n} complete scans. */
  void awaitScans(long n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (scans() < n) {
      if (!process.isAlive()) {
        throw new IllegalStateException("regscope serve exited with " + process.exitValue());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("fewer than " + n + " scans after " + timeout);
      }
      Thread.sleep(500);
    }
  }

  /** Resident set of the process, in bytes. */
  long rss() throws IOException {
    return Proc.rss(process.pid());
  }

  /**
   * The G1 heap's committed and used bytes, read with {@code jcmd GC.heap_info} (no collection).
   */
  long[] heap() throws IOException, InterruptedException {
    Matcher m = G1.matcher(jcmd("GC.heap_info"));
    if (!m.find()) {
      throw new IllegalStateException("no G1 heap in jcmd GC.heap_info");
    }
    return new long[] {Long.parseLong(m.group(1)) << 10, Long.parseLong(m.group(2)) << 10};
  }

  String jcmd(String command) throws IOException, InterruptedException {
    Process jcmd =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(process.pid()),
                command)
            .redirectErrorStream(true)
            .start();
    byte[] out = jcmd.getInputStream().readAllBytes();
    if (!jcmd.waitFor(60, TimeUnit.SECONDS)) {
      jcmd.destroyForcibly();
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Reading {@code /proc}. */
  static final class Proc {
    private Proc() {}

    static long rss(long pid) throws IOException {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
        }
      }
      throw new UncheckedIOException(new IOException("no VmRSS for " + pid));
    }

    static String load() {
      try {
        String[] f = Files.readString(Path.of("/proc/loadavg")).strip().split(" ");
        return f[0] + " " + f[1] + " " + f[2];
      } catch (IOException e) {
        return "?";
      }
    }
  }
}
