package dev.regscope.probe;

import dev.regscope.registry.Deadline;
import dev.regscope.registry.DistributionClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The probes of one target: its client, its four tests, what it pushed, and the last result of each
 * test. A cycle runs the tests in order (authentication, pull, push, metadata), then deletes what
 * earlier pushes left. One cycle at a time.
 */
final class TargetProbe {
  private static final Duration SHUTDOWN_CLEANUP = Duration.ofSeconds(10);

  private final ProbeTarget target;
  private final DistributionClient client;
  private final ProbeSettings settings;
  private final ProbeMetrics metrics;
  private final Cleanup cleanup;
  private final Attempts attempts;
  private final List<ProbeTest> tests;
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicLong cycles = new AtomicLong();
  private volatile Map<ProbeType, TestResult> last = Map.of();

  TargetProbe(
      ProbeTarget target,
      DistributionClient client,
      ProbeSettings settings,
      ProbeMetrics metrics,
      Clock clock) {
    this.target = target;
    this.client = client;
    this.settings = settings;
    this.metrics = metrics;
    this.cleanup = new Cleanup(target, settings);
    this.attempts = new Attempts(target, settings, clock);
    // The target's :pull image is fixed: pushed again, it has the same digests.
    SyntheticImage pullImage =
        SyntheticImage.create("pull", target.label().hashCode(), settings.pushSize());
    this.tests =
        List.of(
            new AuthenticationTest(),
            new PullTest(target, pullImage),
            new PushTest(target, settings, cleanup),
            new MetadataTest(target, settings));
  }

  void cycle() throws Attempts.Cancelled {
    cleanup.adopt(client.until(Deadline.after(settings.timeout())));
    boolean pushed = false;
    for (ProbeTest test : tests) {
      TestResult result =
          attempts.run(
              test,
              client,
              (type, success, took) -> metrics.attempted(target, type, success, took));
      metrics.tested(target, result);
      Map<ProbeType, TestResult> next = new EnumMap<>(ProbeType.class);
      next.putAll(last);
      next.put(result.type(), result);
      last = Collections.unmodifiableMap(next);
      pushed |= result.type() == ProbeType.PUSH && result.success();
    }
    cleanup.sweep(client.until(Deadline.after(settings.timeout())), pushed);
    cycles.incrementAndGet();
  }

  /** Deletes this node's tags; at shutdown, after the last cycle. */
  void removeNodeTags() {
    Duration budget =
        settings.timeout().compareTo(SHUTDOWN_CLEANUP) < 0 ? settings.timeout() : SHUTDOWN_CLEANUP;
    cleanup.removeNodeTags(client.until(Deadline.after(budget)));
  }

  ProbeTarget target() {
    return target;
  }

  Map<ProbeType, TestResult> last() {
    return last;
  }

  long cycles() {
    return cycles.get();
  }

  AtomicBoolean running() {
    return running;
  }

  Cleanup cleanup() {
    return cleanup;
  }
}
