package dev.regscope.scan;

import dev.regscope.model.ScanState;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scans in the background at a fixed delay; a scrape reads the last complete state and never waits.
 */
public final class PeriodicScans implements SnapshotSource, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PeriodicScans.class);

  private final ScanRunner runner;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "regscope-scan");
            thread.setDaemon(true);
            return thread;
          });

  public PeriodicScans(ScanSource scanner, Duration interval) {
    this(scanner, interval, state -> {});
  }

  public PeriodicScans(ScanSource scanner, Duration interval, Consumer<ScanState> onPublish) {
    this(
        scanner,
        interval,
        onPublish,
        e -> LOG.error("fatal error in the scan thread; scanning stopped", e));
  }

  /**
   * @param onFatal told of an {@link Error} in the scan thread, after which no scan runs again: it
   *     should end the process, so that it is restarted
   */
  public PeriodicScans(
      ScanSource scanner,
      Duration interval,
      Consumer<ScanState> onPublish,
      Consumer<Throwable> onFatal) {
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("interval must be positive: " + interval);
    }
    this.runner = new ScanRunner(scanner, onPublish, onFatal);
    executor.scheduleWithFixedDelay(runner::runOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public ScanState current() {
    return runner.current();
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      // A scan in flight is interrupted; wait a little for it to end so nothing it does comes after
      // close. A read that ignores interrupts (a hung mount) is not waited for longer.
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
