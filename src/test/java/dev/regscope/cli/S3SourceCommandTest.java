package dev.regscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.testing.ImageFactory;
import dev.regscope.testing.Platform;
import dev.regscope.testing.RegistryClient;
import dev.regscope.testing.RegistryProcess;
import dev.regscope.testing.S3FaultProxy;
import dev.regscope.testing.S3ProxyProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code regscope scan|serve s3://BUCKET[/ROOTDIRECTORY]} as a user runs it: a JVM of its own whose
 * environment holds the credentials (the AWS SDK's default chain reads them there, and only there),
 * against S3Proxy; and the bad input refused at start with one line and exit code 2.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class S3SourceCommandTest {
  private record Run(int exitCode, String out, String err) {}

  @Test
  void aBucketWithoutANameOrAnEndpointThatIsNoUrlIsRefusedWithOneLine(@TempDir Path dir)
      throws Exception {
    Run noBucket = regscope(dir, Map.of(), "scan", "s3://");
    assertThat(noBucket.exitCode()).isEqualTo(2);
    assertThat(noBucket.err().lines().toList())
        .containsExactly(
            "regscope: no bucket in s3:// (expected s3://BUCKET[/ROOTDIRECTORY])",
            "see 'regscope scan --help'");

    Run badEndpoint =
        regscope(dir, credentials(), "scan", "s3://bucket", "--s3-endpoint", "127.0.0.1:9000");
    assertThat(badEndpoint.exitCode()).isEqualTo(2);
    assertThat(badEndpoint.err().lines().toList())
        .containsExactly(
            "regscope: --s3-endpoint is not a URL: 127.0.0.1:9000 (expected http://HOST[:PORT] or"
                + " https://HOST[:PORT])",
            "see 'regscope scan --help'");
  }

  @Test
  void noCredentialsFoundIsRefusedWithOneLine(@TempDir Path dir) throws Exception {
    // Nothing in the environment, no profile: the chain finds nothing (instance metadata is off,
    // as this machine has none to ask).
    Run run = regscope(dir, Map.of(), "scan", "s3://bucket", "--s3-endpoint", "http://127.0.0.1:9");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().lines().toList())
        .hasSize(2)
        .last()
        .isEqualTo("see 'regscope scan --help'");
    assertThat(run.err()).startsWith("regscope: no AWS credentials found");
  }

  @Test
  void scanPrintsTheRequestsItSentInTheTablesFooter(@TempDir Path dir) throws Exception {
    try (S3ProxyProcess s3 = S3ProxyProcess.start(dir.resolve("s3"), "registry");
        S3FaultProxy door = S3FaultProxy.start(s3.endpoint())) {
      fill(s3);
      Run run =
          regscope(
              dir,
              credentials(),
              "scan",
              "s3://registry/fs/storage",
              "--s3-endpoint",
              door.endpoint().toString(),
              "--s3-path-style");
      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.out()).contains("2 repositories, 3 tags (0 broken)");
      assertThat(run.out().lines().toList())
          .last()
          .isEqualTo(
              "S3 requests: "
                  + door.count("GetObject")
                  + " GetObject "
                  + door.count("ListObjectsV2")
                  + " ListObjectsV2");

      Run report =
          regscope(
              dir,
              credentials(),
              "report",
              "s3://registry/fs/storage",
              "--s3-endpoint",
              s3.endpoint().toString(),
              "--s3-path-style");
      assertThat(report.exitCode()).as(report.err()).isZero();
      assertThat(report.out()).contains("Largest repositories by what deleting them would free:");
      assertThat(report.out()).contains("faults/a", "faults/b");
    }
  }

  @Test
  void serveExportsTheRequestsByOperation(@TempDir Path dir) throws Exception {
    try (S3ProxyProcess s3 = S3ProxyProcess.start(dir.resolve("s3"), "registry");
        S3FaultProxy door = S3FaultProxy.start(s3.endpoint())) {
      fill(s3);
      int port = freePort();
      Process serve =
          start(
              dir,
              credentials(),
              "serve",
              "--bind",
              "127.0.0.1",
              "--port",
              String.valueOf(port),
              "--scan-interval",
              "1h",
              "s3://registry/fs/storage",
              "--s3-endpoint",
              door.endpoint().toString(),
              "--s3-path-style");
      try {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        String metrics = "";
        while (Instant.now().isBefore(deadline) && !metrics.contains("repository_tags_total")) {
          try {
            metrics =
                http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body();
          } catch (IOException notYet) {
            Thread.sleep(200);
          }
        }
        assertThat(metrics).contains("repository_tags_total{repository=\"faults/a\",} 2.0");
        assertThat(value(metrics, "regscope_s3_requests_total{operation=\"GetObject\",}"))
            .isEqualTo(door.count("GetObject"));
        assertThat(value(metrics, "regscope_s3_requests_total{operation=\"ListObjectsV2\",}"))
            .isEqualTo(door.count("ListObjectsV2"));
        assertThat(value(metrics, "regscope_s3_errors_total{reason=\"throttled\",}")).isZero();
      } finally {
        serve.destroy();
        serve.waitFor(10, TimeUnit.SECONDS);
        serve.destroyForcibly();
      }
    }
  }

  private static long value(String metrics, String series) {
    Matcher matcher =
        Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.E]+)$").matcher(metrics);
    assertThat(matcher.find()).as(series + " in\n" + metrics).isTrue();
    return (long) Double.parseDouble(matcher.group(1));
  }

  /** The real registry writes two repositories into the folder S3Proxy serves as the bucket. */
  private static void fill(S3ProxyProcess s3) {
    try (RegistryProcess registry = RegistryProcess.start(s3.bucketDir("registry").resolve("fs"))) {
      RegistryClient client = registry.client();
      ImageFactory images = new ImageFactory(new Random(5));
      Platform amd64 = Platform.of("linux/amd64");
      var one = images.dockerImage(amd64, images.layer(), images.layer());
      one.push(client, "faults/a", "1");
      one.push(client, "faults/a", "2");
      images.ociImage(amd64, images.layer()).push(client, "faults/b", "x");
    }
  }

  private static Map<String, String> credentials() {
    return Map.of(
        "AWS_ACCESS_KEY_ID", S3ProxyProcess.IDENTITY,
        "AWS_SECRET_ACCESS_KEY", S3ProxyProcess.CREDENTIAL);
  }

  private static Run regscope(Path dir, Map<String, String> env, String... args) throws Exception {
    Process process = start(dir, env, args);
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("regscope " + String.join(" ", args) + " did not finish");
    }
    return new Run(
        process.exitValue(),
        Files.readString(dir.resolve("out.txt")),
        Files.readString(dir.resolve("err.txt")));
  }

  /**
   * regscope in a JVM of its own, with an environment holding only {@code env} of AWS's: no
   * profile, no instance metadata, nothing this machine's environment sets.
   */
  private static Process start(Path dir, Map<String, String> env, String... args)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.regscope.Main"));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(dir.resolve("out.txt").toFile())
            .redirectError(dir.resolve("err.txt").toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
    Path home = Files.createDirectories(dir.resolve("home"));
    builder.environment().put("HOME", home.toString());
    builder.environment().put("AWS_CONFIG_FILE", home.resolve("no-config").toString());
    builder.environment().put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("no-creds").toString());
    builder.environment().put("AWS_EC2_METADATA_DISABLED", "true");
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    return process;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
