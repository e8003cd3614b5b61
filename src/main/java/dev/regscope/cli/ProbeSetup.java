package dev.regscope.cli;

import dev.regscope.probe.ProbeSettings;
import dev.regscope.probe.ProbeTarget;
import dev.regscope.probe.Probes;
import dev.regscope.registry.ClientSettings;
import dev.regscope.registry.RepositoryUrl;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Turns probe options (of {@code regscope probe} or of {@code serve --probe-target}) into running
 * {@link Probes} on a server; every bad value is a one-line usage error naming it.
 */
final class ProbeSetup {
  private static final Logger LOG = LoggerFactory.getLogger(ProbeSetup.class);

  /** The values both commands collect, under their own option names. */
  record Values(
      List<String> targets,
      Duration interval,
      Duration timeout,
      int retries,
      Duration retryBackoff,
      long pushSize,
      long uploadChunkSize,
      String node,
      Names names) {}

  /** The option names to quote in messages. */
  record Names(
      String target,
      String interval,
      String timeout,
      String retries,
      String pushSize,
      String uploadChunkSize) {}

  private ProbeSetup() {}

  static Probes create(CommandSpec spec, Values values, RegistryAccessOptions access) {
    Names names = values.names();
    List<ProbeTarget> targets = new ArrayList<>();
    for (String target : values.targets()) {
      try {
        targets.add(new ProbeTarget(RepositoryUrl.parse(target)));
      } catch (IllegalArgumentException e) {
        throw new BadValue(spec.commandLine(), names.target() + " " + e.getMessage());
      }
    }
    for (int i = 0; i < targets.size(); i++) {
      Addresses.resolve(
          spec,
          names.target() + " " + values.targets().get(i),
          targets.get(i).url().registry().host());
    }
    positive(spec, names.interval(), values.interval());
    positive(spec, names.timeout(), values.timeout());
    if (values.retries() < 1) {
      throw new BadValue(
          spec.commandLine(), names.retries() + " must be at least 1, not " + values.retries());
    }
    if (values.pushSize() < 2) {
      throw new BadValue(
          spec.commandLine(),
          names.pushSize() + " must be at least 2 bytes, not " + values.pushSize());
    }
    if (values.uploadChunkSize() < 1) {
      throw new BadValue(spec.commandLine(), names.uploadChunkSize() + " must be positive");
    }
    ProbeSettings settings =
        new ProbeSettings(
            values.interval(),
            values.timeout(),
            values.retries(),
            values.retryBackoff(),
            values.pushSize(),
            node(values.node()));
    ClientSettings client =
        access.clientSettings(spec).withUploadChunkSize(values.uploadChunkSize());
    try {
      return Probes.create(targets, settings, client, Clock.systemUTC());
    } catch (IllegalArgumentException e) {
      throw new BadValue(spec.commandLine(), names.target() + " " + e.getMessage());
    } catch (IOException e) {
      throw new BadValue(spec.commandLine(), "--ca-file " + e.getMessage());
    }
  }

  /** Deletes the node's tags when the JVM is told to stop (SIGTERM); returns the hook. */
  static Thread cleanupOnExit(Probes probes) {
    Thread hook = new Thread(probes::close, "regscope-probe-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    return hook;
  }

  static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }

  private static void positive(CommandSpec spec, String option, Duration value) {
    if (value.isZero() || value.isNegative()) {
      throw new BadValue(spec.commandLine(), option + " must be longer than 0, not " + value);
    }
  }

  /** {@code --node}, else {@code $NODE_NAME} (the option's default), else the host name. */
  private static String node(String given) {
    if (given != null && !given.isBlank()) {
      return given;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      LOG.warn("no --node, no $NODE_NAME and no host name: the node is called 'unknown'");
      return "unknown";
    }
  }
}
