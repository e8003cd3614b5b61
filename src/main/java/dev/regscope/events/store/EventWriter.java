package dev.regscope.events.store;

import dev.regscope.events.Action;
import dev.regscope.events.Delivery;
import dev.regscope.events.EventSink;
import dev.regscope.events.RegistryEvent;
import dev.regscope.events.RejectedEvent;
import dev.regscope.events.StoredManifests;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Stores events and what they say about tags, manifests, blobs and traffic, in one transaction per
 * delivery, so a delivery is either wholly stored or not at all (and the registry retries it).
 * Idempotent on the event id: an event already stored changes nothing, which makes the registry's
 * redeliveries harmless. An event the database refuses for good is set aside in {@code
 * rejected_events} instead, so it cannot hold back the registry's queue.
 */
public final class EventWriter implements EventSink {
  private static final String INSERT_EVENT =
      "INSERT INTO events (id, registry, action, target, occurred_at, received_at, repository,"
          + " digest, tag, media_type, size, method, actor, user_agent, body)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private final EventDatabase database;
  private final EventEffects effects;
  private final Clock clock;

  public EventWriter(EventDatabase database, StoredManifests storage, Clock clock) {
    this.database = database;
    this.effects = new EventEffects(storage);
    this.clock = clock;
  }

  /** One transaction's work. */
  private interface Work {
    Stored run(Writes writes) throws SQLException;
  }

  @Override
  public Stored store(Delivery delivery) throws SQLException {
    if (!database.isSqlite()) {
      // One round trip: every event taken as new, its writes sent with the COMMIT. A redelivered
      // event breaks the events table's key and rolls it all back; that, and an event the
      // database refuses, is sorted out statement by statement below.
      try {
        return transaction(true, c -> storeAll(c, delivery.events(), delivery.rejected()));
      } catch (SQLException e) {
        if (!StoreFailure.isPermanent(e)) {
          throw failure(e);
        }
      }
    }
    try {
      return transaction(false, c -> storeAll(c, delivery.events(), delivery.rejected()));
    } catch (SQLException e) {
      if (!StoreFailure.isPermanent(e)) {
        throw failure(e);
      }
    }
    // One of them can never be stored: each in its own transaction, setting aside what is refused.
    List<Stored> parts = new ArrayList<>();
    for (RegistryEvent event : delivery.events()) {
      try {
        parts.add(transaction(false, c -> storeAll(c, List.of(event), List.of())));
      } catch (SQLException e) {
        if (!StoreFailure.isPermanent(e)) {
          throw failure(e);
        }
        RejectedEvent refused =
            new RejectedEvent(
                event.id(),
                RejectedEvent.Reason.DATABASE,
                "the database refused it: " + StoreFailure.firstLine(e),
                event.body());
        parts.add(transaction(false, c -> storeAll(c, List.of(), List.of(refused))));
      }
    }
    parts.add(transaction(false, c -> storeAll(c, List.of(), delivery.rejected())));
    return sum(parts);
  }

  private SQLException failure(SQLException e) {
    SQLException explained = StoreFailure.explain(e, database.file());
    if (StoreFailure.isDiskFull(explained)) {
      database.diskFull();
    }
    return explained;
  }

  private Stored storeAll(Writes w, List<RegistryEvent> events, List<RejectedEvent> rejected)
      throws SQLException {
    Map<Action, Integer> stored = new EnumMap<>(Action.class);
    int replayed = 0;
    for (RegistryEvent event : events) {
      if (insertEvent(w, event)) {
        effects.apply(w, event);
        Action.of(event.action()).ifPresent(a -> stored.merge(a, 1, Integer::sum));
      } else {
        replayed++;
      }
    }
    List<RejectedEvent> kept =
        rejected.isEmpty() ? List.of() : RejectedEvents.keep(w.flushed(), rejected, clock.millis());
    return new Stored(stored, replayed, kept);
  }

  /** Runs {@code work} in a transaction whose writes go together, or one at a time. */
  private Stored transaction(boolean together, Work work) throws SQLException {
    database.lockWrite();
    boolean committed = false;
    try (Connection connection = database.connection()) {
      try {
        connection.setAutoCommit(false);
        Writes writes = together ? Writes.together(connection) : Writes.immediate(connection);
        Stored stored = work.run(writes);
        writes.commit();
        committed = true;
        return stored;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(connection);
        // SQLite after a failed commit ("cannot commit - no transaction is active") is in no
        // state to reuse: the pool opens a fresh connection instead. A PostgreSQL connection that
        // met a refused statement (a redelivery's key) is rolled back and as good as new.
        if (database.isSqlite()
            || !(e instanceof SQLException sql && StoreFailure.isPermanent(sql))) {
          database.discard(connection);
        }
        throw e;
      }
    } finally {
      database.unlockWrite(committed);
    }
  }

  private static Stored sum(List<Stored> parts) {
    Map<Action, Integer> stored = new EnumMap<>(Action.class);
    int replayed = 0;
    List<RejectedEvent> rejected = new ArrayList<>();
    for (Stored part : parts) {
      part.byAction().forEach((action, n) -> stored.merge(action, n, Integer::sum));
      replayed += part.replayed();
      rejected.addAll(part.rejected());
    }
    return new Stored(stored, replayed, rejected);
  }

  private static void rollbackQuietly(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException ignored) {
      // the connection is broken; it is discarded, the transaction dies with it
    }
  }

  /**
   * Stores the event unless it was stored before; whether it was new. Where writes wait, the event
   * is taken as new and a redelivery fails the transaction on the events table's key instead.
   */
  private boolean insertEvent(Writes w, RegistryEvent e) throws SQLException {
    Object[] row = {
      e.id(),
      e.registry(),
      e.action(),
      e.target().name().toLowerCase(Locale.ROOT),
      EventEffects.millis(e),
      clock.millis(),
      e.repository(),
      Sql.text(e.digest()),
      e.tag(),
      e.mediaType(),
      Sql.size(e.size()),
      e.method(),
      e.actor(),
      e.userAgent(),
      e.body()
    };
    if (w.waits()) {
      w.update(INSERT_EVENT, row);
    } else if (w.updateNow(INSERT_EVENT + " ON CONFLICT (id) DO NOTHING", row) == 0) {
      return false;
    }
    w.update(
        "INSERT INTO event_counts (registry, action, events) VALUES (?, ?, 1)"
            + " ON CONFLICT (registry, action) DO UPDATE SET events = event_counts.events + 1",
        e.registry(),
        e.action());
    return true;
  }
}
