package dev.regscope.cli;

import dev.regscope.probe.Probes;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code serve --probe-target URL/REPOSITORY}: the probes of {@code regscope probe} inside the
 * sidecar, on its one port (a picocli mixin; the same options, prefixed).
 */
final class ServeProbeOptions {
  @Option(
      names = "--probe-target",
      paramLabel = "URL/REPOSITORY",
      description =
          "Also probe this repository as a client would (login, pull, push, re-tag), e.g. "
              + "http://localhost:5000/regscope/probe; may be repeated, one per registry")
  List<String> targets;

  @Option(
      names = "--probe-interval",
      defaultValue = "1m",
      converter = DurationConverter.class,
      description = "Time between probe cycles (default: ${DEFAULT-VALUE})")
  Duration interval;

  @Option(
      names = "--probe-timeout",
      defaultValue = "35s",
      converter = DurationConverter.class,
      description = "Time one attempt of a probe test may take (default: ${DEFAULT-VALUE})")
  Duration timeout;

  @Option(
      names = "--probe-retries",
      defaultValue = "5",
      description = "Attempts per probe test (default: ${DEFAULT-VALUE})")
  int retries;

  @Option(
      names = "--probe-retry-backoff",
      defaultValue = "1s",
      converter = DurationConverter.class,
      description = "Wait after a failed attempt, doubling (default: ${DEFAULT-VALUE})")
  Duration retryBackoff;

  @Option(
      names = "--probe-push-size",
      defaultValue = "10MiB",
      converter = SizeConverter.class,
      description = "Bytes each probe push sends, in two layers (default: ${DEFAULT-VALUE})")
  long pushSize;

  @Option(
      names = "--probe-upload-chunk-size",
      defaultValue = "8MiB",
      converter = SizeConverter.class,
      description = "Blobs above this go up in PATCH chunks (default: ${DEFAULT-VALUE})")
  long uploadChunkSize;

  @Option(
      names = "--probe-node",
      defaultValue = "${env:NODE_NAME}",
      description = "Node name for probe labels and tags (default: $NODE_NAME, else the host name)")
  String node;

  boolean enabled() {
    return targets != null && !targets.isEmpty();
  }

  Probes create(CommandSpec spec, RegistryAccessOptions access) {
    return ProbeSetup.create(
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
                "--probe-target",
                "--probe-interval",
                "--probe-timeout",
                "--probe-retries",
                "--probe-push-size",
                "--probe-upload-chunk-size")),
        access);
  }
}
