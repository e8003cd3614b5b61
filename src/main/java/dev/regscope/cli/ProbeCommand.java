package dev.regscope.cli;

import dev.regscope.probe.Probes;
import dev.regscope.server.Endpoints;
import dev.regscope.server.MetricsServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code regscope probe --target URL/REPOSITORY}: is the registry working for its clients? */
@Command(
    name = "probe",
    mixinStandardHelpOptions = true,
    description =
        "Probe registries as a client would (login, pull, push, re-tag) on a schedule; serve "
            + "/metrics, /status, /-/healthy and /-/ready.")
public final class ProbeCommand implements Callable<Integer> {
  public static final int DEFAULT_PORT = 9101;
  private static final Logger LOG = LoggerFactory.getLogger(ProbeCommand.class);

  @Spec CommandSpec spec;

  @Option(
      names = "--target",
      paramLabel = "URL/REPOSITORY",
      required = true,
      description =
          "Repository the probes write to, e.g. https://registry.example.com/regscope/probe "
              + "(http:// only when written so); may be repeated, one per registry")
  List<String> targets;

  @Option(
      names = "--port",
      defaultValue = "" + DEFAULT_PORT,
      description = "Port (default: ${DEFAULT-VALUE})")
  int port;

  @Option(
      names = "--bind",
      defaultValue = "0.0.0.0",
      description = "Address to listen on (default: ${DEFAULT-VALUE})")
  String bind;

  @Option(
      names = "--interval",
      defaultValue = "1m",
      converter = DurationConverter.class,
      description = "Time between cycles (default: ${DEFAULT-VALUE})")
  Duration interval;

  @Option(
      names = "--timeout",
      defaultValue = "35s",
      converter = DurationConverter.class,
      description =
          "Time one attempt of a test may take, body included (default: ${DEFAULT-VALUE})")
  Duration timeout;

  @Option(
      names = "--retries",
      defaultValue = "5",
      description = "Attempts per test (default: ${DEFAULT-VALUE})")
  int retries;

  @Option(
      names = "--retry-backoff",
      defaultValue = "1s",
      converter = DurationConverter.class,
      description =
          "Wait after the first failed attempt, doubling after each (default: ${DEFAULT-VALUE})")
  Duration retryBackoff;

  @Option(
      names = "--push-size",
      defaultValue = "10MiB",
      converter = SizeConverter.class,
      description = "Bytes each push sends, in two layers (default: ${DEFAULT-VALUE})")
  long pushSize;

  @Option(
      names = "--upload-chunk-size",
      defaultValue = "8MiB",
      converter = SizeConverter.class,
      description = "Blobs above this go up in PATCH chunks of it (default: ${DEFAULT-VALUE})")
  long uploadChunkSize;

  @Option(
      names = "--node",
      defaultValue = "${env:NODE_NAME}",
      description = "Node name for labels and tags (default: $NODE_NAME, else the host name)")
  String node;

  @Mixin RegistryAccessOptions access;

  /** Lets tests stop a running probe; production runs until the process is stopped. */
  final CountDownLatch stop = new CountDownLatch(1);

  volatile MetricsServer server;
  volatile Probes probes;

  @Override
  public Integer call() throws Exception {
    InetSocketAddress listen = Addresses.listen(spec, bind, port);
    Probes started =
        ProbeSetup.create(
            spec,
            new ProbeSetup.Values(
                targets,
                interval,
                timeout,
                retries,
                retryBackoff,
                pushSize,
                uploadChunkSize,
                node,
                new ProbeSetup.Names(
                    "--target",
                    "--interval",
                    "--timeout",
                    "--retries",
                    "--push-size",
                    "--upload-chunk-size")),
            access);
    Thread hook = ProbeSetup.cleanupOnExit(started);
    try (MetricsServer http =
        Addresses.start(spec, started.addTo(MetricsServer.builder(listen)), bind, port)) {
      server = http;
      probes = started;
      LOG.info(
          "serving probe metrics on http://{}:{}{} and {}",
          bind,
          http.port(),
          Endpoints.METRICS,
          Probes.STATUS);
      started.start();
      stop.await();
    } finally {
      started.close();
      ProbeSetup.removeHook(hook);
    }
    return 0;
  }
}
