package dev.regscope.metrics;

import dev.regscope.events.EventReceiver;
import dev.regscope.events.store.EventStatistics;
import dev.regscope.scan.RepositoryFilter;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event metrics, appended to {@code /metrics}. The store's numbers are read in the background,
 * like scans (so counters survive restarts and replicas sharing a database agree): soon after this
 * process stored events, and at least every {@code maxAge} for what other replicas stored. A scrape
 * only copies the last reading, so a slow or hung database never holds it; until the first reading
 * the store's series are absent rather than wrong, and a failed reading keeps the last one (its age
 * is {@code regscope_events_store_read_timestamp_seconds}).
 */
public final class EventExposition
    implements java.util.function.Supplier<ExpositionPart>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventExposition.class);

  /** After this process stored events, the store is read again at most this often. */
  static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

  private static final long TICK_MILLIS = 200;

  private final EventStatistics statistics;
  private final EventReceiver receiver;
  private final LongSupplier pruned;
  private final RepositoryFilter repositories;
  private final SeriesFilter series;
  private final long maxAgeNanos;
  private final Clock clock;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "regscope-event-metrics");
            t.setDaemon(true);
            return t;
          });

  private volatile TextPart fromStore = TextPart.EMPTY;
  private volatile boolean scraped;
  private long lastAttempt;
  private boolean attempted;
  private boolean readOnce;
  private long seenStored = -1;
  private long failuresLogged;

  /**
   * @param pruned events this process pruned so far
   * @param maxAge the store is read at least this often, for what other replicas stored
   */
  public EventExposition(
      EventStatistics statistics,
      EventReceiver receiver,
      LongSupplier pruned,
      RepositoryFilter repositories,
      SeriesFilter series,
      Duration maxAge,
      Clock clock) {
    this.statistics = statistics;
    this.receiver = receiver;
    this.pruned = pruned;
    this.repositories = repositories;
    this.series = series;
    this.maxAgeNanos = maxAge.toNanos();
    this.clock = clock;
  }

  /** Starts reading the store in the background, the first time at once. */
  public EventExposition start() {
    thread.scheduleWithFixedDelay(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
    return this;
  }

  /** The last reading of the store and this process's counters as they are now; never waits. */
  @Override
  public ExpositionPart get() {
    scraped = true;
    return fromStore.followedBy(
        TextPart.render(EventFamilies.process(receiver.storeErrors(), pruned.getAsLong())));
  }

  /** Reads the store now (the background thread does this; tests may too). */
  public synchronized boolean refresh() {
    scraped = false;
    long stored = receiver.stored();
    lastAttempt = System.nanoTime();
    attempted = true;
    try {
      EventStatistics.Totals totals = statistics.read();
      fromStore =
          TextPart.render(EventFamilies.store(totals, clock.millis(), repositories, series));
      seenStored = stored;
      readOnce = true;
      failuresLogged = 0;
      return true;
    } catch (SQLException | RuntimeException e) {
      if (failuresLogged++ % 60 == 0) { // the first, then every 60th (a minute or more apart)
        LOG.warn(
            "cannot read the event store for metrics, serving the {}: {}",
            readOnce ? "last numbers" : "receiver's own counters only",
            String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
      }
      return false;
    }
  }

  private void tick() {
    long now = System.nanoTime();
    boolean due;
    synchronized (this) {
      long since = now - lastAttempt;
      due =
          !attempted
              || (scraped
                  && since >= MIN_INTERVAL.toNanos()
                  && (!readOnce || since >= maxAgeNanos || receiver.stored() != seenStored));
    }
    if (due) {
      refresh();
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
