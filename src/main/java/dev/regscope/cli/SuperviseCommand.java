package dev.regscope.cli;

import dev.regscope.supervise.Backoff;
import dev.regscope.supervise.Supervisor;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code regscope supervise -- COMMAND...}: the sidecar container's process, so that a {@code
 * serve} that crashes or hangs is restarted inside the container and never makes the registry's pod
 * unready (docs/operations.md).
 */
@Command(
    name = "supervise",
    mixinStandardHelpOptions = true,
    description =
        "Run COMMAND (regscope serve) and start it again whenever it ends or stops answering its"
            + " health check; end only on SIGTERM. The sidecar's container process.")
public final class SuperviseCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--health-url",
      defaultValue = "http://127.0.0.1:8080/-/healthy",
      description = "serve's health check (default: ${DEFAULT-VALUE})")
  URI healthUrl;

  @Option(
      names = "--health-grace",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "Time after a start before the first check (default: ${DEFAULT-VALUE})")
  Duration grace;

  @Option(
      names = "--health-period",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "Time between checks (default: ${DEFAULT-VALUE})")
  Duration period;

  @Option(
      names = "--health-timeout",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "Time a check waits for its answer (default: ${DEFAULT-VALUE})")
  Duration timeout;

  @Option(
      names = "--health-failures",
      defaultValue = "3",
      description = "Checks failed in a row that restart it (default: ${DEFAULT-VALUE})")
  int failures;

  @Option(
      names = "--max-backoff",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description = "Longest wait between restarts (default: ${DEFAULT-VALUE})")
  Duration maxBackoff;

  @Option(
      names = "--stop-timeout",
      defaultValue = "20s",
      converter = DurationConverter.class,
      description =
          "Time serve has to end after SIGTERM before it is killed (default: ${DEFAULT-VALUE});"
              + " keep it under the pod's terminationGracePeriodSeconds")
  Duration stopTimeout;

  @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The command to run, after --")
  List<String> command;

  @Override
  public Integer call() throws InterruptedException {
    if (failures < 1) {
      throw new BadValue(
          spec.commandLine(), "--health-failures must be 1 or more, not " + failures);
    }
    Backoff backoff =
        new Backoff(
            Backoff.DEFAULT.first(),
            maxBackoff.compareTo(Backoff.DEFAULT.first()) < 0
                ? Backoff.DEFAULT.first()
                : maxBackoff,
            Backoff.DEFAULT.steady());
    Supervisor supervisor =
        new Supervisor(
            command,
            new Supervisor.Health(healthUrl, grace, period, timeout, failures),
            backoff,
            stopTimeout);
    Runtime.getRuntime().addShutdownHook(new Thread(supervisor::stop, "regscope-supervise-stop"));
    return supervisor.run();
  }
}
