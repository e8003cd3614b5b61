package dev.regscope.cli;

import dev.regscope.events.EnvelopeParser;
import dev.regscope.events.EventReceiver;
import dev.regscope.events.RegistryNames;
import dev.regscope.events.StorageManifests;
import dev.regscope.events.store.EventDatabase;
import dev.regscope.events.store.EventPruner;
import dev.regscope.events.store.EventStatistics;
import dev.regscope.events.store.EventWriter;
import dev.regscope.events.store.PruneSchedule;
import dev.regscope.metrics.EventExposition;
import dev.regscope.metrics.SeriesFilter;
import dev.regscope.scan.RepositoryFilter;
import dev.regscope.server.MetricsServer;
import dev.regscope.storage.NioTreeReader;
import dev.regscope.storage.StorageLayout;
import java.time.Clock;
import java.time.Duration;

/**
 * The events side of {@code serve}: the receiver over the store, the event metrics read in the
 * background, and pruning for the retention; started together, closed together.
 */
final class EventService implements AutoCloseable {
  /**
   * The store is read for metrics at least this often (other replicas' events), and soon after this
   * process stored some.
   */
  static final Duration METRICS_MAX_AGE = Duration.ofSeconds(15);

  private final EventDatabase database;
  private final EventExposition metrics;
  private final PruneSchedule pruning;
  private final MetricsServer.Events events;

  private EventService(
      EventDatabase database,
      EventExposition metrics,
      PruneSchedule pruning,
      MetricsServer.Events events) {
    this.database = database;
    this.metrics = metrics;
    this.pruning = pruning;
    this.events = events;
  }

  /**
   * Starts receiving into {@code database}, which it then owns.
   *
   * @param retention raw events are kept this long; zero keeps them all
   * @param registry the canonical registry name the metrics are about, or null for all
   */
  static EventService start(
      EventDatabase database,
      String token,
      RegistryNames names,
      StorageLayout layout,
      Duration retention,
      String registry,
      RepositoryFilter repositories,
      SeriesFilter series) {
    Clock clock = Clock.systemUTC();
    EventReceiver receiver =
        new EventReceiver(
            token,
            new EnvelopeParser(names),
            new EventWriter(
                database, new StorageManifests(layout, new NioTreeReader(layout.root())), clock));
    EventPruner pruner = retention.isZero() ? null : new EventPruner(database, retention, clock);
    EventExposition metrics =
        new EventExposition(
                new EventStatistics(database, registry),
                receiver,
                pruner == null ? () -> 0 : pruner::pruned,
                repositories,
                series,
                METRICS_MAX_AGE,
                clock)
            .start();
    PruneSchedule pruning = pruner == null ? null : PruneSchedule.start(pruner);
    return new EventService(
        database, metrics, pruning, new MetricsServer.Events(receiver, metrics));
  }

  /** A retention as it was written: {@code 30d}, {@code 12h}. */
  static String days(Duration retention) {
    if (retention.toDays() > 0 && retention.equals(Duration.ofDays(retention.toDays()))) {
      return retention.toDays() + "d";
    }
    if (retention.equals(Duration.ofHours(retention.toHours()))) {
      return retention.toHours() + "h";
    }
    return retention.toSeconds() + "s";
  }

  @Override
  public String toString() {
    return database.toString();
  }

  MetricsServer.Events events() {
    return events;
  }

  @Override
  public void close() {
    if (pruning != null) {
      pruning.close();
    }
    metrics.close();
    database.close();
  }
}
