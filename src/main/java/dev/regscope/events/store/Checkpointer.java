package dev.regscope.events.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Copies SQLite's WAL back into the database file on a thread of its own, twice a second, so no
 * delivery pays for it: SQLite otherwise checkpoints inside whichever commit crosses its threshold,
 * and that commit waits for thousands of pages and an fsync of the database file. A passive
 * checkpoint never blocks writers or readers.
 */
final class Checkpointer implements AutoCloseable {
  static final long INTERVAL_MILLIS = 500;

  /**
   * Commits still checkpoint by themselves past this many WAL pages (64 MiB), should this thread
   * fall behind.
   */
  static final int FALLBACK_PAGES = 16384;

  private final DataSource pool;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "regscope-events-checkpoint");
            t.setDaemon(true);
            return t;
          });

  Checkpointer(DataSource pool) {
    this.pool = pool;
    thread.scheduleWithFixedDelay(
        this::checkpoint, INTERVAL_MILLIS, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void checkpoint() {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (SQLException | RuntimeException e) {
      // the store is failing: deliveries say so; a later checkpoint catches up
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
