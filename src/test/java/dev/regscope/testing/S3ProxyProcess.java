package dev.regscope.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * S3Proxy ({@code org.gaul:s3proxy}) run as a child JVM on 127.0.0.1, serving the folders below
 * {@link #baseDir()} as buckets with SigV4 authentication: a real S3 server for the S3 source's
 * tests, which can be stopped mid-scan and restarted with other credentials.
 *
 * <p>It uses jclouds' {@code filesystem} backend: each bucket is a folder and each key a file below
 * it, and it serves files it did not write itself, so a tree a real registry wrote with its
 * filesystem driver is a bucket as it stands. (The newer {@code filesystem-nio2} backend keeps each
 * object's metadata in extended attributes it writes itself and cannot read such files.) Files it
 * did not write have no ETag in listings; objects written through it do.
 *
 * <p>The jar is the {@code jar-with-dependencies} Maven copies to {@code target/s3proxy} in
 * generate-test-resources, run in its own JVM since it bundles its own Jetty, Guava and Jackson.
 */
public final class S3ProxyProcess implements AutoCloseable {
  public static final String IDENTITY = "AKIDREGSCOPETEST";
  public static final String CREDENTIAL = "regscope-test-secret";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final Path jar;
  private final Path baseDir;
  private final Path workDir;
  private final int port;
  private Process process;

  private S3ProxyProcess(Path jar, Path baseDir, Path workDir, int port) {
    this.jar = jar;
    this.baseDir = baseDir;
    this.workDir = workDir;
    this.port = port;
  }

  /** The jar, or the calling test skipped (failed under CI, where a skip would hide it). */
  public static Path jarOrSkip() {
    Path jar = Path.of("target", "s3proxy", "s3proxy.jar").toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      String message = "no S3Proxy at " + jar + " (mvn generate-test-resources copies it)";
      if (System.getenv("CI") != null) {
        throw new AssertionError(message);
      }
      Assumptions.abort(message);
    }
    return jar;
  }

  /** Starts S3Proxy with its buckets under {@code workDir/buckets}, each bucket a folder. */
  public static S3ProxyProcess start(Path workDir, String... buckets) {
    try {
      Path baseDir = Files.createDirectories(workDir.resolve("buckets"));
      for (String bucket : buckets) {
        Files.createDirectories(baseDir.resolve(bucket));
      }
      S3ProxyProcess proxy = new S3ProxyProcess(jarOrSkip(), baseDir, workDir, freePort());
      proxy.launch(IDENTITY, CREDENTIAL);
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The endpoint, {@code http://127.0.0.1:<port>}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The folder holding one folder per bucket. */
  public Path baseDir() {
    return baseDir;
  }

  /** The folder of a bucket: a key is the file at its path below it. */
  public Path bucketDir(String bucket) {
    return baseDir.resolve(bucket);
  }

  /** Stops the server (SIGKILL: as a store that goes away does), keeping its buckets. */
  public void stop() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  /** Starts it again on the same port and buckets, accepting only these credentials. */
  public void restart(String identity, String credential) {
    stop();
    launch(identity, credential);
  }

  @Override
  public void close() {
    stop();
  }

  private void launch(String identity, String credential) {
    try {
      Path properties = workDir.resolve("s3proxy.properties");
      Files.writeString(
          properties,
          String.join(
              "\n",
              "s3proxy.endpoint=http://127.0.0.1:" + port,
              "s3proxy.authorization=aws-v2-or-v4",
              "s3proxy.identity=" + identity,
              "s3proxy.credential=" + credential,
              "jclouds.provider=filesystem",
              "jclouds.filesystem.basedir=" + baseDir,
              ""));
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      ProcessBuilder builder =
          new ProcessBuilder(
                  List.of(
                      java.toString(),
                      "-Xmx512m",
                      "-jar",
                      jar.toString(),
                      "--properties",
                      properties.toString()))
              .redirectErrorStream(true)
              .redirectOutput(
                  ProcessBuilder.Redirect.appendTo(workDir.resolve("s3proxy.log").toFile()));
      process = builder.start();
      process.getOutputStream().close();
      Process started = process;
      Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
      awaitPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start S3Proxy", e);
    }
  }

  private void awaitPort() throws IOException {
    Instant deadline = Instant.now().plus(READY_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "S3Proxy exited with "
                + process.exitValue()
                + ":\n"
                + Files.readString(workDir.resolve("s3proxy.log")));
      }
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted while S3Proxy starts", e);
        }
      }
    }
    throw new AssertionError("S3Proxy did not listen on port " + port + " within " + READY_TIMEOUT);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
