package dev.regscope.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.regscope.sample.SampleRegistry;
import java.io.IOException;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The regscope container of {@code k8s/deployment.yaml}, run with the manifest's own command (the
 * image's paths swapped for this build's): whatever happens to {@code serve}, the container's
 * process lives on, so the kubelet never sees the container end or restart and the pod, whose
 * readiness covers every container, keeps the registry in its Service. Before {@code supervise} the
 * container's process was serve itself: each of these ended it.
 */
@Timeout(240)
final class SidecarSupervisionTest {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir Path dir;
  private Path registry;
  private Path log;
  private Process container;
  private int port;

  @BeforeEach
  void sampleRegistry() throws IOException {
    registry = dir.resolve("registry");
    SampleRegistry.write(registry, SampleRegistry.Spec.SMALL);
    log = dir.resolve("container.log");
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (container != null && container.isAlive()) {
      container.descendants().forEach(ProcessHandle::destroyForcibly);
      container.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aServeKilledAsTheOomKillerKillsIsStartedAgainWhileTheContainerProcessLivesOn()
      throws Exception {
    start(List.of(), List.of());
    ProcessHandle first = awaitReadyServe(null);

    first.destroyForcibly(); // SIGKILL, what the kernel's OOM killer sends

    ProcessHandle second = awaitReadyServe(first);
    assertThat(container.isAlive()).isTrue();
    assertThat(metrics()).contains("regscope_restarts_total{reason=\"killed\",} 1.0");
    assertThat(metrics()).contains("regscope_restarts_total{reason=\"unhealthy\",} 0.0");
    assertThat(second.pid()).isNotEqualTo(first.pid());
  }

  @Test
  void aServeThatStopsAnsweringIsStoppedAndStartedAgain() throws Exception {
    // As the liveness probe did: checks after a grace, a few failures in a row.
    start(
        List.of(
            "--health-grace",
            "1s",
            "--health-period",
            "1s",
            "--health-timeout",
            "1s",
            "--health-failures",
            "3"),
        List.of());
    ProcessHandle first = awaitReadyServe(null);

    signal(first, "STOP"); // a JVM that no longer answers at all

    ProcessHandle second = awaitReadyServe(first);
    assertThat(first.isAlive()).isFalse();
    assertThat(container.isAlive()).isTrue();
    assertThat(metrics()).contains("regscope_restarts_total{reason=\"unhealthy\",} 1.0");
    assertThat(Files.readString(log)).contains("health check 3 of 3 failed");
    assertThat(second.pid()).isNotEqualTo(first.pid());
  }

  @Test
  void aServeThatCannotStartIsTriedAgainAndTheContainerProcessStays() throws Exception {
    start(List.of(), List.of("--scan-interval", "soon"));

    // Tried at once, after 1 s, after 2 s more: three runs that each end with the usage error.
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (starts() < 3 && System.nanoTime() < deadline) {
      assertThat(container.isAlive()).as("the container's process").isTrue();
      Thread.sleep(200);
    }
    assertThat(starts()).isGreaterThanOrEqualTo(3);
    assertThat(container.isAlive()).isTrue();
    assertThat(Files.readString(log))
        .contains("soon") // serve's one-line usage error, in the container's log
        .contains("(exit code 2); starting it again");
  }

  @Test
  void sigtermEndsServeAndThenTheContainerProcess() throws Exception {
    start(List.of(), List.of());
    ProcessHandle serve = awaitReadyServe(null);

    signal(container.toHandle(), "TERM"); // the kubelet stopping the pod

    assertThat(container.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(serve.isAlive()).isFalse();
    assertThat(container.exitValue()).isIn(0, 143);
    assertThat(Files.readString(log)).doesNotContain("starting it again");
  }

  /** Starts the manifest's regscope container with these supervise and serve options added. */
  private void start(List<String> superviseOptions, List<String> serveOptions) throws IOException {
    port = freePort();
    List<String> serve = new ArrayList<>(serveOptions);
    serve.addAll(List.of("--bind", "127.0.0.1", "--port", String.valueOf(port)));
    if (!serveOptions.contains("--scan-interval")) {
      serve.addAll(List.of("--scan-interval", "60s"));
    }
    serve.add(registry.toString());
    List<String> supervise = new ArrayList<>(superviseOptions);
    supervise.addAll(List.of("--health-url", "http://127.0.0.1:" + port + "/-/healthy"));
    container =
        new ProcessBuilder(command(supervise, serve))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
  }

  /**
   * The container's command as k8s/ renders it, run here: this JDK for the image's, this build's
   * classes for its jar; supervise's options after "supervise", serve's (for the manifest's args)
   * after "serve".
   */
  private static List<String> command(List<String> supervise, List<String> serve) {
    JsonNode deployment = Kustomize.one(Kustomize.render(Path.of("k8s")), "Deployment", "registry");
    List<String> command = new ArrayList<>();
    Kustomize.elements(Kustomize.container(deployment, "regscope").path("command"))
        .forEach(part -> command.add(part.asText()));
    assertThat(command).contains("supervise", "--").endsWith("serve");
    List<String> local = new ArrayList<>();
    for (int i = 0; i < command.size(); i++) {
      String part = command.get(i);
      if (part.equals("/opt/java/bin/java")) {
        local.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      } else if (part.equals("-jar") && command.get(i + 1).equals("/opt/regscope/regscope.jar")) {
        local.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.regscope.Main"));
        i++;
      } else {
        local.add(part);
        if (part.equals("supervise")) {
          local.addAll(supervise);
        }
      }
    }
    local.addAll(serve);
    return local;
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The serve process the container runs, once it answers /-/ready; not {@code previous}. */
  private ProcessHandle awaitReadyServe(ProcessHandle previous) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(container.isAlive()).as("the container's process; log:%n%s", logText()).isTrue();
      Optional<ProcessHandle> serve = container.children().findFirst();
      if (serve.isPresent()
          && (previous == null || serve.get().pid() != previous.pid())
          && status("/-/ready") == 200) {
        return serve.get();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("serve did not become ready; log:\n" + logText());
  }

  private int status(String path) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private String metrics() throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private long starts() throws IOException {
    return logText().lines().filter(line -> line.contains("started regscope serve")).count();
  }

  private String logText() throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  private static void signal(ProcessHandle process, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }
}
