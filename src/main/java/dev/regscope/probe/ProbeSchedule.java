package dev.regscope.probe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts each target's cycle every interval on a worker of its own. Cycles of a target never
 * overlap: a tick that finds the last cycle still running is skipped and counted.
 */
final class ProbeSchedule implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProbeSchedule.class);

  private final List<TargetProbe> probes;
  private final Duration interval;
  private final ProbeMetrics metrics;
  private final ScheduledExecutorService timer;
  private final List<ExecutorService> workers = new ArrayList<>();

  ProbeSchedule(List<TargetProbe> probes, Duration interval, ProbeMetrics metrics) {
    this.probes = probes;
    this.interval = interval;
    this.metrics = metrics;
    this.timer = Executors.newSingleThreadScheduledExecutor(threads("regscope-probe-timer"));
  }

  void start() {
    for (TargetProbe probe : probes) {
      ExecutorService worker = Executors.newSingleThreadExecutor(threads("regscope-probe"));
      workers.add(worker);
      timer.scheduleAtFixedRate(
          () -> tick(probe, worker), 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void tick(TargetProbe probe, ExecutorService worker) {
    if (!probe.running().compareAndSet(false, true)) {
      metrics.skipped(probe.target());
      LOG.debug("{}: the last cycle still runs; this one is skipped", probe.target());
      return;
    }
    worker.execute(
        () -> {
          try {
            probe.cycle();
          } catch (Attempts.Cancelled e) {
            LOG.debug("{}: cycle stopped", probe.target());
          } catch (RuntimeException e) {
            LOG.error("{}: probe cycle failed", probe.target(), e);
          } finally {
            probe.running().set(false);
          }
        });
  }

  /**
   * Stops ticking; running cycles may finish within {@code grace}, then they are interrupted and
   * waited for a little longer.
   */
  void stop(Duration grace) {
    timer.shutdownNow();
    workers.forEach(ExecutorService::shutdown);
    if (!awaitWorkers(grace)) {
      workers.forEach(ExecutorService::shutdownNow);
      awaitWorkers(Duration.ofSeconds(5));
    }
  }

  private boolean awaitWorkers(Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    for (ExecutorService worker : workers) {
      try {
        if (!worker.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
          return false;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    stop(Duration.ZERO);
  }

  private static java.util.concurrent.ThreadFactory threads(String name) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
