package dev.regscope.events.store;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the pruner at start and then every {@link #INTERVAL} on a thread of its own; a pass that
 * fails (database down) is tried again after {@link #RETRY}.
 */
public final class PruneSchedule implements AutoCloseable {
  public static final Duration INTERVAL = Duration.ofHours(1);
  static final Duration RETRY = Duration.ofMinutes(5);
  private static final Logger LOG = LoggerFactory.getLogger(PruneSchedule.class);

  private final EventPruner pruner;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "regscope-events-prune");
            t.setDaemon(true);
            return t;
          });

  private PruneSchedule(EventPruner pruner) {
    this.pruner = pruner;
  }

  /** Starts pruning now, then every hour. */
  public static PruneSchedule start(EventPruner pruner) {
    PruneSchedule schedule = new PruneSchedule(pruner);
    schedule.thread.execute(schedule::run);
    return schedule;
  }

  private void run() {
    Duration next = INTERVAL;
    long started = System.nanoTime();
    try {
      long n = pruner.prune();
      if (n > 0) {
        LOG.info(
            "pruned {} events older than {} in {} ms",
            n,
            pruner.retention(),
            (System.nanoTime() - started) / 1_000_000);
      }
    } catch (SQLException | RuntimeException e) {
      next = RETRY;
      LOG.warn(
          "cannot prune the event store, trying again in {}: {}", RETRY, StoreFailure.firstLine(e));
    }
    try {
      thread.schedule(this::run, next.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closed while pruning
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
