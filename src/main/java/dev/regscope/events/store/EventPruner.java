package dev.regscope.events.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Deletes raw events (and set-aside ones) older than the retention, in small batches of short
 * transactions with a pause after each, so deliveries keep their turn: on SQLite the batches take
 * the same single write turn as deliveries, which queue fairly behind at most one batch, and the
 * pauses leave them three quarters of the time. Nothing derived from events (tags, manifests,
 * blobs, pulls, traffic and its daily rollup) is touched.
 */
public final class EventPruner {
  /** A batch should take about this long; its size follows what the database manages. */
  static final long TARGET_BATCH_NANOS = 5_000_000L;

  /** The pause after a batch, in batches' durations. */
  static final int PAUSE_FACTOR = 3;

  static final int MIN_BATCH = 20;
  static final int MAX_BATCH = 5_000;

  private final EventDatabase database;
  private final Duration retention;
  private final Clock clock;
  private final AtomicLong pruned = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private int batch = 200;

  public EventPruner(EventDatabase database, Duration retention, Clock clock) {
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("retention must be positive: " + retention);
    }
    this.database = database;
    this.retention = retention;
    this.clock = clock;
  }

  /**
   * Deletes everything older than the retention, batch by batch, until nothing is left; returns how
   * many events went.
   */
  public synchronized long prune() throws SQLException {
    long horizon = clock.millis() - retention.toMillis();
    long deleted = 0;
    while (!Thread.currentThread().isInterrupted()) {
      long started = System.nanoTime();
      int n =
          deleteBatch(
              database.isSqlite()
                  ? "DELETE FROM events WHERE rowid IN (SELECT rowid FROM events"
                      + " WHERE occurred_at < ? ORDER BY occurred_at LIMIT ?)"
                  : "DELETE FROM events WHERE ctid = ANY (ARRAY(SELECT ctid FROM events"
                      + " WHERE occurred_at < ? ORDER BY occurred_at LIMIT ?))",
              horizon);
      deleted += n;
      pruned.addAndGet(n);
      batches.incrementAndGet();
      if (n < batch) {
        break;
      }
      pace(System.nanoTime() - started);
    }
    while (!Thread.currentThread().isInterrupted()
        && deleteBatch(
                "DELETE FROM rejected_events WHERE event_key IN (SELECT event_key FROM rejected_events"
                    + " WHERE received_at < ? ORDER BY received_at LIMIT ?)",
                horizon)
            >= batch) {
      pause(TARGET_BATCH_NANOS);
    }
    return deleted;
  }

  /** Events this process pruned since it started: the counter {@code regscope_events_pruned}. */
  public long pruned() {
    return pruned.get();
  }

  /** Batches this process ran (transactions committed). */
  public long batches() {
    return batches.get();
  }

  public Duration retention() {
    return retention;
  }

  private int deleteBatch(String sql, long horizon) throws SQLException {
    database.lockWrite();
    boolean committed = false;
    try (Connection c = database.connection()) {
      try {
        c.setAutoCommit(false);
        int n = Sql.update(c, sql, horizon, batch);
        c.commit();
        committed = true;
        return n;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException ignored) {
          // broken connection: discarded below
        }
        database.discard(c);
        throw e;
      }
    } catch (SQLException e) {
      SQLException explained = StoreFailure.explain(e, database.file());
      if (StoreFailure.isDiskFull(explained)) {
        database.diskFull();
      }
      throw explained;
    } finally {
      database.unlockWrite(committed);
    }
  }

  /**
   * Sizes the next batch toward the target duration, then leaves the database to deliveries for
   * three times as long as this one took.
   */
  private void pace(long tookNanos) {
    if (tookNanos < TARGET_BATCH_NANOS / 2) {
      batch = Math.min(MAX_BATCH, batch * 2);
    } else if (tookNanos > TARGET_BATCH_NANOS * 2) {
      batch = Math.max(MIN_BATCH, batch / 2);
    }
    pause(Math.max(tookNanos, 1_000_000L) * PAUSE_FACTOR);
  }

  private static void pause(long nanos) {
    try {
      Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
