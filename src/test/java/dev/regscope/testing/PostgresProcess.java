package dev.regscope.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL server (Debian's {@code postgresql} package) in a data folder the test owns, on
 * a free loopback port, started and stopped with {@code pg_ctl} so a test can take the database
 * away and bring it back. Run as the {@code postgres} user when the tests run as root (PostgreSQL
 * refuses root). Without the binaries a test is skipped, except under CI (env {@code CI} set),
 * where it fails.
 */
public final class PostgresProcess implements AutoCloseable {
  private static final String USER = "regscope";

  private final Path bin;
  private final Path dataDir;
  private final int port;
  private final boolean asPostgres;
  private int databases;

  private PostgresProcess(Path bin, Path dataDir, int port, boolean asPostgres) {
    this.bin = bin;
    this.dataDir = dataDir;
    this.port = port;
    this.asPostgres = asPostgres;
  }

  /**
   * Creates a cluster under {@code workDir} and starts it; {@code durable} false turns fsync off
   * for speed.
   */
  public static PostgresProcess start(Path workDir, boolean durable) {
    Path bin = binariesOrSkip();
    try {
      boolean root = "root".equals(System.getProperty("user.name"));
      Path dataDir = workDir.resolve("pgdata");
      Files.createDirectories(workDir);
      if (root) {
        // The server runs as postgres: it must reach the folder and own its data.
        Files.setPosixFilePermissions(
            workDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        for (Path up = workDir.toAbsolutePath().getParent(); up != null; up = up.getParent()) {
          if (up.startsWith(tmp) && !up.equals(tmp)) {
            Files.setPosixFilePermissions(
                up, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
          }
        }
        Files.createDirectories(dataDir);
        run(List.of("chown", "postgres:postgres", dataDir.toString()), false);
      }
      PostgresProcess postgres = new PostgresProcess(bin, dataDir, freePort(), root);
      postgres.command(
          List.of(
              bin.resolve("initdb").toString(),
              "-D",
              dataDir.toString(),
              "-U",
              USER,
              "-A",
              "trust",
              "-E",
              "UTF8",
              "--no-sync"));
      Files.writeString(
          dataDir.resolve("postgresql.conf"),
          "\nlisten_addresses = '127.0.0.1'\nport = "
              + postgres.port
              + "\nunix_socket_directories = ''\nmax_connections = 100\n"
              + (durable ? "" : "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"),
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.APPEND);
      postgres.startServer();
      return postgres;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set up PostgreSQL in " + workDir, e);
    }
  }

  /** A fresh, empty database on this server; its JDBC URL. */
  public String newDatabase() {
    String name = "regscope_" + (++databases);
    try (Connection connection = DriverManager.getConnection(url("postgres"));
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
    }
    return url(name);
  }

  public String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + USER;
  }

  /** Stops the server at once (fast shutdown: connections are cut, nothing committed is lost). */
  public void stopServer() {
    command(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            dataDir.toString(),
            "-m",
            "fast",
            "-w",
            "stop"));
  }

  public void startServer() {
    command(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            dataDir.toString(),
            "-l",
            dataDir.resolve("server.log").toString(),
            "-w",
            "-t",
            "30",
            "start"));
  }

  /**
   * Freezes the server and every backend with SIGSTOP: connections stay open and nothing answers,
   * as with a hung database host or a dead network path.
   */
  public void pause() {
    signal("-STOP");
  }

  /** Thaws what {@link #pause()} froze (SIGCONT). */
  public void resume() {
    signal("-CONT");
  }

  private void signal(String signal) {
    long postmaster;
    try {
      postmaster =
          Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).strip());
    } catch (IOException e) {
      throw new UncheckedIOException("the server is not running: " + dataDir, e);
    }
    List<String> command = new ArrayList<>(List.of("kill", signal, String.valueOf(postmaster)));
    ProcessHandle.of(postmaster)
        .ifPresent(p -> p.descendants().forEach(d -> command.add(String.valueOf(d.pid()))));
    run(command, false);
  }

  @Override
  public void close() {
    try {
      resume(); // a test that failed while the server was frozen
    } catch (AssertionError | RuntimeException e) {
      // not running
    }
    try {
      stopServer();
    } catch (AssertionError | RuntimeException e) {
      // already stopped
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // temp folder; JUnit removes the rest
    }
  }

  private void command(List<String> command) {
    run(command, asPostgres);
  }

  private static void run(List<String> command, boolean asPostgres) {
    List<String> full = new ArrayList<>();
    if (asPostgres) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    try {
      Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new AssertionError(
            String.join(" ", full) + " failed:\n" + new String(out, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + full, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + full);
    }
  }

  /** The newest {@code /usr/lib/postgresql/<version>/bin}, or skip (fail under CI). */
  private static Path binariesOrSkip() {
    Optional<Path> bin = Optional.empty();
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      bin =
          versions
              .map(v -> v.resolve("bin"))
              .filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
              .max(
                  Comparator.comparing(
                      b ->
                          Integer.parseInt(
                              b.getParent().getFileName().toString().replaceAll("\\D", "0"))));
    } catch (IOException e) {
      // not installed
    }
    if (bin.isPresent()) {
      return bin.get();
    }
    String message =
        "no PostgreSQL server binaries under /usr/lib/postgresql; apt-get install postgresql";
    String ci = System.getenv("CI");
    if (ci != null && !ci.isEmpty()) {
      fail(message);
    }
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
