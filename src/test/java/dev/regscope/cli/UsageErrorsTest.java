package dev.regscope.cli;

import static dev.regscope.testing.RegistryTree.image;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.regscope.testing.RegistryTree;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Usage errors as a user meets them: the real command in a JVM of its own, its whole stderr read.
 * Each is exactly one line naming the value and the hint, with exit code 2.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class UsageErrorsTest {
  @TempDir Path dir;
  private String storage;
  private String token;

  private record Run(int exitCode, List<String> err) {}

  @BeforeEach
  void registry() throws IOException {
    Path root = dir.resolve("registry");
    RegistryTree tree = RegistryTree.at(root.resolve("docker/registry/v2"));
    tree.repo("app").tag("v1", image(tree.layer(100)));
    storage = root.toString();
    token = Files.writeString(dir.resolve("token"), "secret\n").toString();
  }

  private void refused(String line, String command, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(command));
    all.addAll(List.of(args));
    Run run = regscope(all);
    assertThat(run.err())
        .as(String.join(" ", all))
        .containsExactly("regscope: " + line, "see 'regscope " + command + " --help'");
    assertThat(run.exitCode()).isEqualTo(2);
  }

  @Test
  void aTypoSuggestsTheOptionMeant() throws Exception {
    refused(
        "unknown option --scan-intervl; did you mean --scan-interval?",
        "serve",
        "--scan-intervl",
        "5s",
        storage);
    refused(
        "unknown option --scan-intervl; did you mean --scan-interval?",
        "serve",
        "--scan-intervl=5s",
        storage);
    refused("unexpected argument 'extra'", "scan", storage, "extra");
  }

  @Test
  void aDurationThatIsNegativeOrMalformedIsNamed() throws Exception {
    refused(
        "--scan-interval: '-5s' is negative: a duration is 0 or more (examples: 0, 30s, 5m, 1h)",
        "serve",
        "--scan-interval",
        "-5s",
        storage);
    refused(
        "--older-than: '90x' is not a duration (examples: 0, 30s, 5m, 1h)",
        "query",
        "old",
        "--older-than",
        "90x");
  }

  @Test
  void aRegexThatDoesNotCompileIsOneLine() throws Exception {
    refused(
        "--include-repository '(': not a regular expression: Unclosed group at index 1",
        "serve",
        "--include-repository",
        "(",
        storage);
    refused(
        "--exclude-tag '*x': not a regular expression: Dangling meta character '*' at index 0",
        "scan",
        "--exclude-tag",
        "*x",
        storage);
  }

  @Test
  void aPortInUseIsNamed() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = taken.getLocalPort();
      refused(
          "--port " + port + ": address already in use on 127.0.0.1",
          "serve",
          "--bind",
          "127.0.0.1",
          "--port",
          String.valueOf(port),
          storage);
      refused(
          "--port " + port + ": address already in use on 127.0.0.1",
          "probe",
          "--bind",
          "127.0.0.1",
          "--port",
          String.valueOf(port),
          "--target",
          "http://127.0.0.1:1/regscope/probe");
    }
    refused("--port 70000: not a port (0 to 65535)", "serve", "--port", "70000", storage);
  }

  /** {@code .invalid} never resolves (RFC 6761). */
  @Test
  void aHostThatDoesNotResolveIsNamed() throws Exception {
    refused(
        "--bind nowhere.invalid: host nowhere.invalid does not resolve",
        "serve",
        "--bind",
        "nowhere.invalid",
        "--port",
        "0",
        storage);
    refused(
        "SOURCE https://registry.invalid/app: host registry.invalid does not resolve",
        "scan",
        "https://registry.invalid/app");
    refused(
        "--probe-target http://registry.invalid:5000/regscope/probe: host registry.invalid does"
            + " not resolve",
        "serve",
        "--port",
        "0",
        "--probe-target",
        "http://registry.invalid:5000/regscope/probe",
        storage);
    refused(
        "--s3-endpoint http://s3.invalid:9000: host s3.invalid does not resolve",
        "scan",
        "--s3-endpoint",
        "http://s3.invalid:9000",
        "s3://bucket");
  }

  @Test
  void aTokenFileWithoutAnEventStoreIsRefused() throws Exception {
    refused(
        "--events-token-file needs --events-db",
        "serve",
        "--port",
        "0",
        "--events-token-file",
        token,
        storage);
    refused(
        "--registry-aliases needs --events-db",
        "serve",
        "--port",
        "0",
        "--registry-aliases",
        token,
        storage);
  }

  @Test
  void queryOnAStoreThatDoesNotExistIsRefusedAndCreatesNothing() throws Exception {
    Path missing = dir.resolve("events.db");
    refused(
        "--events-db "
            + missing
            + ": no such file (serve --events-db creates the store; query reads it)",
        "query",
        "images",
        "--events-db",
        missing.toString());
    assertThat(missing).doesNotExist();
    assertThat(dir.resolve("events.db-wal")).doesNotExist();
  }

  @Test
  void serveInAFolderThatDoesNotExistIsRefusedAndCreatesNothing() throws Exception {
    Path folder = dir.resolve("no-such-folder");
    refused(
        "--events-db " + folder.resolve("events.db") + ": folder " + folder + " does not exist",
        "serve",
        "--port",
        "0",
        "--events-db",
        folder.resolve("events.db").toString(),
        "--events-token-file",
        token,
        storage);
    assertThat(folder).doesNotExist();
  }

  @Test
  void aFileWhereTheFolderShouldBeIsRefused() throws Exception {
    refused(
        "--events-db " + Path.of(token, "events.db") + ": folder " + token + " is not a folder",
        "serve",
        "--port",
        "0",
        "--events-db",
        Path.of(token, "events.db").toString(),
        "--events-token-file",
        token,
        storage);
  }

  /**
   * A folder no one may write, root included: sysfs refuses to create files even for root (CI runs
   * as root, which writes into a folder of mode 0555). The refusal comes at once, not after the
   * pool's retries.
   */
  @Test
  void aFolderRootCannotWriteIsRefusedAsReadOnly() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/sys/kernel")), "no sysfs on /sys");
    Run run =
        regscope(
            List.of(
                "serve",
                "--port",
                "0",
                "--events-db",
                "/sys/events.db",
                "--events-token-file",
                token,
                storage));
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).hasSize(2);
    assertThat(run.err().get(0))
        .startsWith("regscope: --events-db /sys/events.db: folder /sys is read-only");
    assertThat(Path.of("/sys/events.db")).doesNotExist();
  }

  /** A folder of mode 0555 stops a user who is not root; root writes there, so this needs one. */
  @Test
  void aFolderOfMode0555IsRefusedAsReadOnlyForAUserOtherThanRoot() throws Exception {
    assumeFalse(
        Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0),
        "root writes to a folder of mode 0555");
    Path folder = Files.createDirectories(dir.resolve("read-only"));
    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      Run run =
          regscope(
              List.of(
                  "serve",
                  "--port",
                  "0",
                  "--events-db",
                  folder.resolve("events.db").toString(),
                  "--events-token-file",
                  token,
                  storage));
      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err().get(0)).contains(folder.toString()).contains("is read-only");
    } finally {
      Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  private Run regscope(List<String> args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.regscope.Main"));
    command.addAll(args);
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(err.toFile())
            .start();
    process.getOutputStream().close();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(
          "regscope " + String.join(" ", args) + " did not stop:\n" + Files.readString(err));
    }
    return new Run(process.exitValue(), Files.readAllLines(err, StandardCharsets.UTF_8));
  }
}
