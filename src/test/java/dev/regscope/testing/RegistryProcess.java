package dev.regscope.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real Distribution registry ({@code docker-registry serve}) run as a child process on 127.0.0.1
 * with filesystem storage in a folder the test owns, so tests read the storage tree a real registry
 * writes.
 */
public final class RegistryProcess implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
  private static final int START_ATTEMPTS = 3;
  private static final int LOG_TAIL_LINES = 40;

  private final Path binary;
  private final Process process;
  private final Thread logPump;
  private final Thread killOnExit;
  private final URI baseUri;
  private final Path storageRoot;
  private final Path configFile;
  private final Path logFile;
  private final Map<String, String> environment;

  private RegistryProcess(
      Path binary,
      Process process,
      Thread logPump,
      URI baseUri,
      Path storageRoot,
      Path configFile,
      Path logFile,
      Map<String, String> environment) {
    this.binary = binary;
    this.environment = environment;
    this.process = process;
    this.logPump = logPump;
    this.baseUri = baseUri;
    this.storageRoot = storageRoot;
    this.configFile = configFile;
    this.logFile = logFile;
    // A test JVM that dies without close() must not leave a registry bound to a port.
    this.killOnExit = new Thread(process::destroyForcibly, "registry-kill-on-exit");
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  /**
   * The registry binary: {@code $REGSCOPE_REGISTRY_BIN}, else Debian's {@code
   * /usr/bin/docker-registry}, else {@code registry} on the PATH. Without one the calling test is
   * skipped, except under CI (env {@code CI} set), where a missing registry must fail the build
   * rather than silently skip its tests.
   */
  public static Path binaryOrSkip() {
    return RegistryBinary.findOrSkip(System.getenv(), Files::isExecutable);
  }

  /**
   * Starts the registry found by {@link #binaryOrSkip()} with its config, storage and log under
   * {@code workDir}.
   */
  public static RegistryProcess start(Path workDir) {
    return start(binaryOrSkip(), workDir, "");
  }

  /**
   * Starts {@code binary} with config, storage and log under {@code workDir}. {@code extraYaml} is
   * more registry config (such as a {@code notifications:} section), merged into the generated
   * config key by key.
   */
  public static RegistryProcess start(Path binary, Path workDir, String extraYaml) {
    return start(binary, workDir, extraYaml, Map.of());
  }

  /**
   * As {@link #start(Path, Path, String)}, with {@code REGISTRY_*} variables (configuration
   * overrides the registry reads as YAML) or others in the registry's environment.
   */
  public static RegistryProcess start(
      Path binary, Path workDir, String extraYaml, Map<String, String> environment) {
    Objects.requireNonNull(binary, "binary");
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(extraYaml, "extraYaml");
    try {
      Path storageRoot = Files.createDirectories(workDir.resolve("storage"));
      Path configFile = workDir.resolve("config.yml");
      Path logFile = workDir.resolve("registry.log");
      AssertionError lastFailure = null;
      // The free port is found by binding and releasing it, so another process can take it in
      // between: retry.
      for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
        int port = freePort();
        String config = config(storageRoot, port, extraYaml);
        Files.writeString(configFile, config);
        String scheme =
            new YAMLMapper().readTree(config).path("http").has("tls") ? "https" : "http";
        RegistryProcess registry =
            launch(binary, storageRoot, configFile, logFile, scheme, port, false, environment);
        try {
          registry.awaitReady();
          return registry;
        } catch (AssertionError e) {
          registry.close();
          lastFailure = e;
          if (!registry.logTail().contains("address already in use")) {
            break;
          }
        }
      }
      throw lastFailure;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the registry in " + workDir, e);
    }
  }

  /**
   * Stops this registry if it still runs and starts the same binary again on the same config,
   * storage and port, appending to the same log; for work that must not run beside a serving
   * registry, such as a real {@code garbage-collect}. Use the returned process from then on.
   */
  public RegistryProcess restart() {
    close();
    try {
      RegistryProcess again =
          launch(
              binary,
              storageRoot,
              configFile,
              logFile,
              baseUri.getScheme(),
              baseUri.getPort(),
              true,
              environment);
      try {
        again.awaitReady();
      } catch (AssertionError e) {
        again.close();
        throw e;
      }
      return again;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restart the registry with " + configFile, e);
    }
  }

  /** Whether the registry process is still alive (not yet closed, not crashed). */
  public boolean isRunning() {
    return process.isAlive();
  }

  /** The registry binary this process runs, also the one that holds {@code garbage-collect}. */
  public Path binary() {
    return binary;
  }

  /** The registry's address, {@code http://127.0.0.1:<port>/}. */
  public URI baseUri() {
    return baseUri;
  }

  /**
   * The filesystem driver's {@code rootdirectory}; the tree itself is under {@code
   * docker/registry/v2/}.
   */
  public Path storageRoot() {
    return storageRoot;
  }

  /** The config the registry runs with, also what {@code docker-registry garbage-collect} needs. */
  public Path configFile() {
    return configFile;
  }

  /** The registry's stdout and stderr (its log and access log). */
  public Path logFile() {
    return logFile;
  }

  /** A client for this registry. */
  public RegistryClient client() {
    return new RegistryClient(baseUri);
  }

  /** The last lines of the registry's log, for failure messages. */
  public String logTail() {
    try {
      if (!Files.exists(logFile)) {
        return "(no log yet)";
      }
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join(
          "\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + logFile + ": " + e + ")";
    }
  }

  /** Stops the registry: SIGTERM first, then SIGKILL if it has not gone within a few seconds. */
  @Override
  public void close() {
    try {
      process.destroy();
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
      logPump.join(STOP_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(killOnExit);
      } catch (IllegalStateException alreadyShuttingDown) {
        // The hook runs anyway; nothing to undo.
      }
    }
  }

  private static String config(Path storageRoot, int port, String extraYaml) throws IOException {
    YAMLMapper yaml = new YAMLMapper();
    ObjectNode config = yaml.createObjectNode().put("version", "0.1");
    config.putObject("log").put("level", "info").put("formatter", "text");
    ObjectNode storage = config.putObject("storage");
    storage.putObject("filesystem").put("rootdirectory", storageRoot.toAbsolutePath().toString());
    storage.putObject("delete").put("enabled", true);
    // The purger deletes old unfinished uploads; tests leave some on purpose (and may backdate
    // their startedat).
    storage.putObject("maintenance").putObject("uploadpurging").put("enabled", false);
    config
        .putObject("http")
        .put("addr", "127.0.0.1:" + port)
        .put("secret", HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
    if (!extraYaml.isBlank()) {
      JsonNode extra = yaml.readTree(extraYaml);
      if (!(extra instanceof ObjectNode sections)) {
        throw new IllegalArgumentException(
            "extra registry config is not a YAML mapping: " + extraYaml);
      }
      merge(config, sections);
      // A registry has one storage driver: one given here (s3:) replaces the filesystem default.
      if (sections.path("storage").has("s3")) {
        ((ObjectNode) config.get("storage")).remove("filesystem");
      }
    }
    return yaml.writeValueAsString(config);
  }

  /**
   * Deep merge: mappings merge key by key, anything else in {@code extra} replaces what was there.
   */
  private static void merge(ObjectNode into, ObjectNode extra) {
    extra
        .fields()
        .forEachRemaining(
            field -> {
              if (into.get(field.getKey()) instanceof ObjectNode existing
                  && field.getValue() instanceof ObjectNode more) {
                merge(existing, more);
              } else {
                into.set(field.getKey(), field.getValue());
              }
            });
  }

  private static RegistryProcess launch(
      Path binary,
      Path storageRoot,
      Path configFile,
      Path logFile,
      String scheme,
      int port,
      boolean appendLog,
      Map<String, String> environment)
      throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(binary.toString(), "serve", configFile.toString())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.PIPE);
    // REGISTRY_* variables override the config file; the test's config must be the whole truth.
    builder.environment().keySet().removeIf(name -> name.startsWith("REGISTRY_"));
    // This machine's AWS_CA_BUNDLE names a bundle the s3 driver's SDK cannot load; tests use
    // plain HTTP.
    builder.environment().remove("AWS_CA_BUNDLE");
    builder.environment().putAll(environment);
    Process process = builder.start();
    process.getOutputStream().close();
    OutputStream log =
        appendLog
            ? Files.newOutputStream(logFile, StandardOpenOption.CREATE, StandardOpenOption.APPEND)
            : Files.newOutputStream(logFile);
    Thread pump = new Thread(() -> copy(process.getInputStream(), log), "registry-log-" + port);
    pump.setDaemon(true);
    pump.start();
    URI baseUri = URI.create(scheme + "://127.0.0.1:" + port + "/");
    return new RegistryProcess(
        binary, process, pump, baseUri, storageRoot, configFile, logFile, environment);
  }

  /**
   * Copies the registry's output into its log file, unbuffered, so a failure message sees the
   * latest lines.
   */
  private static void copy(InputStream from, OutputStream to) {
    try (from;
        to) {
      from.transferTo(to);
    } catch (IOException e) {
      // The process went away or the disk filled; the log is only for diagnosis.
    }
  }

  private void awaitReady() {
    // With TLS (http.tls in the config) the registry's certificate is the test's business, not
    // this wait's.
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(1))
            .sslContext(TrustAll.context())
            .build();
    HttpRequest ping =
        HttpRequest.newBuilder(baseUri.resolve("/v2/"))
            .timeout(Duration.ofSeconds(2))
            .GET()
            .build();
    Instant deadline = Instant.now().plus(READY_TIMEOUT);
    String last = "no answer";
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "registry exited with "
                + process.exitValue()
                + " before answering "
                + ping.uri()
                + "; config "
                + configFile
                + ", log tail:\n"
                + logTailAfterExit());
      }
      try {
        int status = http.send(ping, BodyHandlers.discarding()).statusCode();
        // 401: a registry with auth configured is up and asking for credentials.
        if (status == 200 || status == 401) {
          return;
        }
        last = "status " + status;
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for the registry", e);
      }
      sleep(50);
    }
    throw new AssertionError(
        "registry did not answer 200 on "
            + ping.uri()
            + " within "
            + READY_TIMEOUT
            + " (last: "
            + last
            + "); config "
            + configFile
            + ", log tail:\n"
            + logTail());
  }

  /** The log tail once the pump has copied the dead process's last words. */
  private String logTailAfterExit() {
    try {
      logPump.join(STOP_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return logTail();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for the registry", e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
