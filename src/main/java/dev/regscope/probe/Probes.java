package dev.regscope.probe;

import dev.regscope.metrics.ExpositionPart;
import dev.regscope.registry.ClientSettings;
import dev.regscope.registry.DistributionClient;
import dev.regscope.registry.RetryPolicy;
import dev.regscope.server.MetricsServer;
import dev.regscope.server.TextEndpoint;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * regscope's registry probes: per target, every interval, four tests (authentication, pull, push,
 * metadata) through the Distribution API, their metrics, {@code /status}, readiness once every
 * target finished a cycle, and on {@link #close} this node's tags deleted.
 */
public final class Probes implements AutoCloseable {
  /** Where the probes' status is served, as Quay's registry-monitor serves it. */
  public static final String STATUS = "/status";

  private static final Logger LOG = LoggerFactory.getLogger(Probes.class);

  private final List<TargetProbe> probes;
  private final ProbeSettings settings;
  private final ProbeMetrics metrics;
  private final Clock clock;
  private final ProbeSchedule schedule;
  private boolean closed;

  private Probes(
      List<TargetProbe> probes, ProbeSettings settings, ProbeMetrics metrics, Clock clock) {
    this.probes = probes;
    this.settings = settings;
    this.metrics = metrics;
    this.clock = clock;
    this.schedule = new ProbeSchedule(probes, settings.interval(), metrics);
  }

  /**
   * Probes of {@code targets}; each request within {@code settings}' timeout, never retried alone
   * (whole tests are). Two targets on one registry are refused: Konflux's series name the registry,
   * not the repository.
   */
  public static Probes create(
      List<ProbeTarget> targets, ProbeSettings settings, ClientSettings client, Clock clock)
      throws IOException {
    Map<String, ProbeTarget> byRegistry = new LinkedHashMap<>();
    for (ProbeTarget target : targets) {
      ProbeTarget earlier = byRegistry.putIfAbsent(target.testedRegistry(), target);
      if (earlier != null) {
        throw new IllegalArgumentException(
            "targets "
                + earlier
                + " and "
                + target
                + " are on the same registry "
                + target.testedRegistry()
                + ": probe one repository per registry");
      }
    }
    ProbeMetrics metrics = new ProbeMetrics(settings.node(), targets);
    ClientSettings perRequest =
        client.withTimeout(settings.timeout()).withRetries(RetryPolicy.none()).withClock(clock);
    List<TargetProbe> probes = new ArrayList<>();
    for (ProbeTarget target : targets) {
      probes.add(
          new TargetProbe(
              target,
              DistributionClient.create(target.url().registry(), perRequest),
              settings,
              metrics,
              clock));
    }
    return new Probes(probes, settings, metrics, clock);
  }

  /** Starts the schedule: the first cycle now, then one every interval. */
  public void start() {
    LOG.info("probing {} every {} ({})", targets(), settings.interval(), settings);
    schedule.start();
  }

  /** Runs one cycle of every target now, on this thread; for tests and benchmarks. */
  public void runCycle() {
    for (TargetProbe probe : probes) {
      try {
        probe.cycle();
      } catch (Attempts.Cancelled e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Adds the probe families to {@code /metrics}, {@code /status}, and readiness to a server. */
  public MetricsServer.Builder addTo(MetricsServer.Builder server) {
    return server
        .metrics(this::exposition)
        .endpoint(
            STATUS,
            new TextEndpoint(
                () -> {
                  ProbeStatus.Report report = status();
                  return new TextEndpoint.Answer(report.healthy() ? 200 : 503, report.text());
                }))
        .ready(this::ready);
  }

  public ExpositionPart exposition() {
    return metrics.exposition();
  }

  public ProbeStatus.Report status() {
    Map<ProbeTarget, Map<ProbeType, TestResult>> last = new LinkedHashMap<>();
    probes.forEach(probe -> last.put(probe.target(), probe.last()));
    return ProbeStatus.of(last, settings.interval(), clock.instant());
  }

  /** Whether every target has finished a cycle. */
  public boolean ready() {
    return probes.stream().allMatch(probe -> probe.cycles() > 0);
  }

  /** Cycles finished, over all targets. */
  public long cycles() {
    return probes.stream().mapToLong(TargetProbe::cycles).sum();
  }

  public List<ProbeTarget> targets() {
    return probes.stream().map(TargetProbe::target).toList();
  }

  /**
   * A running cycle may finish within this at shutdown; then it is interrupted. With the cleanup's
   * 10 s, this stays within Kubernetes' default grace period of 30 s.
   */
  static final Duration STOP_GRACE = Duration.ofSeconds(10);

  /** Stops the schedule, letting a running cycle finish (within 10 s); the tags stay. */
  public void stop() {
    schedule.stop(STOP_GRACE);
  }

  /** Stops the schedule (interrupting a running cycle), then deletes this node's tags. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stop();
    for (TargetProbe probe : probes) {
      probe.removeNodeTags();
    }
  }
}
