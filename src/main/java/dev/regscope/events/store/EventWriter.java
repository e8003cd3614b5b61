package dev.regscope.events.store;

import dev.regscope.core.Digest;
import dev.regscope.events.Action;
import dev.regscope.events.EventSink;
import dev.regscope.events.Reference;
import dev.regscope.events.RegistryEvent;
import dev.regscope.events.StoredManifests;
import dev.regscope.events.Target;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Lock;

/**
 * Stores events and what they say about tags, manifests and blobs, in one transaction per delivery,
 * so a delivery is either wholly stored or not at all (and the registry retries it). Idempotent on
 * the event id: an event already stored changes nothing, which makes the registry's redeliveries
 * harmless.
 *
 * <p>Events may arrive late (a retry after a newer event), so every time is kept as the latest seen
 * and a tag moves only to a push newer than the one it points at.
 */
public final class EventWriter implements EventSink {
  private static final String LATER =
      "CASE WHEN %1$s.%2$s IS NULL OR %1$s.%2$s < excluded.%2$s "
          + "THEN excluded.%2$s ELSE %1$s.%2$s END";

  private final EventDatabase database;
  private final StoredManifests storage;
  private final Clock clock;

  public EventWriter(EventDatabase database, StoredManifests storage, Clock clock) {
    this.database = database;
    this.storage = storage;
    this.clock = clock;
  }

  /** Stores a delivery; returns only once it is committed. */
  @Override
  public Stored store(List<RegistryEvent> events) throws SQLException {
    Map<Action, Integer> stored = new EnumMap<>(Action.class);
    int replayed = 0;
    Lock lock = database.writeLock();
    lock.lock();
    try (Connection connection = database.connection()) {
      connection.setAutoCommit(false);
      try {
        for (RegistryEvent event : events) {
          if (insertEvent(connection, event)) {
            apply(connection, event);
            Action.of(event.action()).ifPresent(a -> stored.merge(a, 1, Integer::sum));
          } else {
            replayed++;
          }
        }
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(connection);
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } finally {
      lock.unlock();
    }
    return new Stored(stored, replayed);
  }

  private static void rollbackQuietly(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException ignored) {
      // the connection is broken; the pool drops it, the transaction dies with it
    }
  }

  private boolean insertEvent(Connection c, RegistryEvent e) throws SQLException {
    int inserted =
        update(
            c,
            "INSERT INTO events (id, registry, action, target, occurred_at, received_at, repository,"
                + " digest, tag, media_type, size, method, actor, user_agent, body)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            e.id(),
            e.registry(),
            e.action(),
            e.target().name().toLowerCase(java.util.Locale.ROOT),
            millis(e),
            clock.millis(),
            e.repository(),
            text(e.digest()),
            e.tag(),
            e.mediaType(),
            size(e.size()),
            e.method(),
            e.actor(),
            e.userAgent(),
            e.body());
    if (inserted == 0) {
      return false;
    }
    update(
        c,
        "INSERT INTO event_counts (registry, action, events) VALUES (?, ?, 1)"
            + " ON CONFLICT (registry, action) DO UPDATE SET events = event_counts.events + 1",
        e.registry(),
        e.action());
    return true;
  }

  private void apply(Connection c, RegistryEvent e) throws SQLException {
    Optional<Action> action = Action.of(e.action());
    if (action.isEmpty()) {
      return; // kept raw in events; nothing known to derive
    }
    switch (action.get()) {
      case PUSH, MOUNT -> {
        if (e.target() == Target.MANIFEST) {
          pushManifest(c, e);
        } else {
          pushBlob(c, e);
        }
      }
      case PULL -> {
        if (e.target() == Target.MANIFEST) {
          pullManifest(c, e);
        } else {
          pullBlob(c, e);
        }
      }
      case DELETE -> delete(c, e);
    }
  }

  private void pushManifest(Connection c, RegistryEvent e) throws SQLException {
    update(
        c,
        "INSERT INTO manifests (registry, repository, digest, media_type, size, last_pushed, last_pulled, pulls)"
            + " VALUES (?, ?, ?, ?, ?, ?, NULL, 0) ON CONFLICT (registry, repository, digest) DO UPDATE SET"
            + " media_type = excluded.media_type, size = excluded.size, last_pushed = "
            + later("manifests", "last_pushed"),
        e.registry(),
        e.repository(),
        text(e.digest()),
        e.mediaType(),
        size(e.size()),
        millis(e));
    storeReferences(c, e);
    if (e.tag() != null) {
      // A tag moved to another manifest starts over: pulls of the image it named before are not
      // pulls of this one.
      update(
          c,
          "INSERT INTO tags (registry, repository, tag, digest, last_pushed, last_pulled, pulls)"
              + " VALUES (?, ?, ?, ?, ?, NULL, 0) ON CONFLICT (registry, repository, tag) DO UPDATE SET"
              + " digest = excluded.digest, last_pushed = excluded.last_pushed,"
              + " last_pulled = CASE WHEN tags.digest = excluded.digest THEN tags.last_pulled ELSE NULL END,"
              + " pulls = CASE WHEN tags.digest = excluded.digest THEN tags.pulls ELSE 0 END"
              + " WHERE tags.last_pushed IS NULL OR tags.last_pushed <= excluded.last_pushed",
          e.registry(),
          e.repository(),
          e.tag(),
          text(e.digest()),
          millis(e));
    }
  }

  private void pushBlob(Connection c, RegistryEvent e) throws SQLException {
    update(
        c,
        "INSERT INTO blobs (registry, repository, digest, media_type, size, last_pushed, last_pulled)"
            + " VALUES (?, ?, ?, ?, ?, ?, NULL) ON CONFLICT (registry, repository, digest) DO UPDATE SET"
            + " size = excluded.size, last_pushed = "
            + later("blobs", "last_pushed"),
        e.registry(),
        e.repository(),
        text(e.digest()),
        e.mediaType(),
        size(e.size()),
        millis(e));
  }

  private void pullManifest(Connection c, RegistryEvent e) throws SQLException {
    // A HEAD (a kubelet resolving a tag it has cached) marks the image as in use but downloads
    // nothing.
    int download = e.isHead() ? 0 : 1;
    update(
        c,
        "INSERT INTO manifests (registry, repository, digest, media_type, size, last_pushed, last_pulled, pulls)"
            + " VALUES (?, ?, ?, ?, ?, NULL, ?, ?) ON CONFLICT (registry, repository, digest) DO UPDATE SET"
            + " last_pulled = "
            + later("manifests", "last_pulled")
            + ", pulls = manifests.pulls + excluded.pulls",
        e.registry(),
        e.repository(),
        text(e.digest()),
        e.mediaType(),
        size(e.size()),
        millis(e),
        download);
    storeReferences(c, e);
    if (e.tag() != null) {
      // The registry resolved the tag to this digest when it answered: a tag pushed before regscope
      // listened is
      // learnt here, and a pull newer than the tag's last push says where the tag points.
      update(
          c,
          "INSERT INTO tags (registry, repository, tag, digest, last_pushed, last_pulled, pulls)"
              + " VALUES (?, ?, ?, ?, NULL, ?, ?) ON CONFLICT (registry, repository, tag) DO UPDATE SET"
              + " digest = CASE WHEN tags.last_pushed IS NULL OR tags.last_pushed <= excluded.last_pulled"
              + " THEN excluded.digest ELSE tags.digest END,"
              + " last_pulled = "
              + later("tags", "last_pulled")
              + ", pulls = tags.pulls + excluded.pulls",
          e.registry(),
          e.repository(),
          e.tag(),
          text(e.digest()),
          millis(e),
          download);
    } else {
      // A pull by digest is a pull of every tag naming that digest.
      update(
          c,
          "UPDATE tags SET last_pulled = CASE WHEN last_pulled IS NULL OR last_pulled < ? THEN ?"
              + " ELSE last_pulled END, pulls = pulls + ? WHERE registry = ? AND repository = ? AND digest = ?",
          millis(e),
          millis(e),
          download,
          e.registry(),
          e.repository(),
          text(e.digest()));
    }
    update(
        c,
        "INSERT INTO repositories (registry, repository, pulls, last_pulled) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (registry, repository) DO UPDATE SET pulls = repositories.pulls + excluded.pulls,"
            + " last_pulled = "
            + later("repositories", "last_pulled"),
        e.registry(),
        e.repository(),
        download,
        millis(e));
  }

  private void pullBlob(Connection c, RegistryEvent e) throws SQLException {
    update(
        c,
        "INSERT INTO blobs (registry, repository, digest, media_type, size, last_pushed, last_pulled)"
            + " VALUES (?, ?, ?, ?, ?, NULL, ?) ON CONFLICT (registry, repository, digest) DO UPDATE SET"
            + " last_pulled = "
            + later("blobs", "last_pulled"),
        e.registry(),
        e.repository(),
        text(e.digest()),
        e.mediaType(),
        size(e.size()),
        millis(e));
  }

  /**
   * The registry's delete events do not say what was deleted: a tag (by name), or a digest that was
   * a manifest or a blob. What the store knows decides, then the storage (the blob's bytes stay
   * until garbage collection); a digest known to neither is recorded as a blob. Tags of a deleted
   * manifest are left to the tag deletes the registry sends right after it.
   */
  private void delete(Connection c, RegistryEvent e) throws SQLException {
    if (e.target() == Target.TAG || e.digest() == null) {
      deleteTag(c, e);
    } else if (e.target() == Target.MANIFEST || (e.target() != Target.BLOB && isManifest(c, e))) {
      deleteManifest(c, e);
    } else {
      deleteBlob(c, e);
    }
  }

  private boolean isManifest(Connection c, RegistryEvent e) throws SQLException {
    if (exists(
        c, "SELECT 1 FROM manifests WHERE registry = ? AND repository = ? AND digest = ?", e)) {
      return true;
    }
    if (exists(c, "SELECT 1 FROM blobs WHERE registry = ? AND repository = ? AND digest = ?", e)) {
      return false;
    }
    return storage.references(e.digest()).isPresent();
  }

  private void deleteTag(Connection c, RegistryEvent e) throws SQLException {
    Object[] tag =
        firstRow(
            c,
            3,
            "SELECT digest, last_pushed, last_pulled FROM tags"
                + " WHERE registry = ? AND repository = ? AND tag = ?",
            e.registry(),
            e.repository(),
            e.tag());
    update(
        c,
        "INSERT INTO deleted_tags (event_id, registry, repository, tag, digest, deleted_at, last_pushed,"
            + " last_pulled) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        e.id(),
        e.registry(),
        e.repository(),
        e.tag(),
        tag[0],
        millis(e),
        tag[1],
        tag[2]);
    update(
        c,
        "DELETE FROM tags WHERE registry = ? AND repository = ? AND tag = ?",
        e.registry(),
        e.repository(),
        e.tag());
  }

  private void deleteManifest(Connection c, RegistryEvent e) throws SQLException {
    Object[] manifest =
        firstRow(
            c,
            3,
            "SELECT media_type, last_pushed, last_pulled FROM manifests"
                + " WHERE registry = ? AND repository = ? AND digest = ?",
            e.registry(),
            e.repository(),
            text(e.digest()));
    update(
        c,
        "INSERT INTO deleted_manifests (event_id, registry, repository, digest, deleted_at, media_type,"
            + " last_pushed, last_pulled) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        e.id(),
        e.registry(),
        e.repository(),
        text(e.digest()),
        millis(e),
        manifest[0],
        manifest[1],
        manifest[2]);
    update(
        c,
        "DELETE FROM manifest_blob WHERE registry = ? AND repository = ? AND manifest = ?",
        e.registry(),
        e.repository(),
        text(e.digest()));
    update(
        c,
        "DELETE FROM manifests WHERE registry = ? AND repository = ? AND digest = ?",
        e.registry(),
        e.repository(),
        text(e.digest()));
  }

  private void deleteBlob(Connection c, RegistryEvent e) throws SQLException {
    Object[] blob =
        firstRow(
            c,
            2,
            "SELECT size, last_pushed FROM blobs"
                + " WHERE registry = ? AND repository = ? AND digest = ?",
            e.registry(),
            e.repository(),
            text(e.digest()));
    update(
        c,
        "INSERT INTO deleted_blobs (event_id, registry, repository, digest, deleted_at, size, last_pushed)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?)",
        e.id(),
        e.registry(),
        e.repository(),
        text(e.digest()),
        millis(e),
        blob[0],
        blob[1]);
    update(
        c,
        "DELETE FROM blobs WHERE registry = ? AND repository = ? AND digest = ?",
        e.registry(),
        e.repository(),
        text(e.digest()));
  }

  /**
   * The first row's {@code columns} values (numbers as Long, text as String), all null when there
   * is none: what the audit trail records of a row about to be deleted, if the store knew it.
   */
  private static Object[] firstRow(Connection c, int columns, String sql, Object... values)
      throws SQLException {
    Object[] row = new Object[columns];
    try (PreparedStatement select = prepare(c, sql, values);
        ResultSet result = select.executeQuery()) {
      if (result.next()) {
        for (int i = 0; i < columns; i++) {
          Object value = result.getObject(i + 1);
          row[i] = value instanceof Number number ? (Object) number.longValue() : value;
        }
      }
    }
    return row;
  }

  /**
   * The event's references, else the manifest's own from storage (once: a manifest's bytes never
   * change).
   */
  private void storeReferences(Connection c, RegistryEvent e) throws SQLException {
    List<Reference> references = e.references();
    if (references == null) {
      if (exists(
          c,
          "SELECT 1 FROM manifest_blob WHERE registry = ? AND repository = ? AND manifest = ?",
          e)) {
        return;
      }
      references = storage.references(e.digest()).orElse(List.of());
    }
    for (Reference reference : references) {
      update(
          c,
          "INSERT INTO manifest_blob (registry, repository, manifest, blob, media_type, size)"
              + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (registry, repository, manifest, blob) DO NOTHING",
          e.registry(),
          e.repository(),
          text(e.digest()),
          text(reference.digest()),
          reference.mediaType(),
          size(reference.size()));
    }
  }

  private static String later(String table, String column) {
    return String.format(LATER, table, column);
  }

  private static boolean exists(Connection c, String sql, RegistryEvent e) throws SQLException {
    try (PreparedStatement statement =
            prepare(c, sql, e.registry(), e.repository(), text(e.digest()));
        ResultSet row = statement.executeQuery()) {
      return row.next();
    }
  }

  private static int update(Connection c, String sql, Object... values) throws SQLException {
    try (PreparedStatement statement = prepare(c, sql, values)) {
      return statement.executeUpdate();
    }
  }

  static PreparedStatement prepare(Connection c, String sql, Object... values) throws SQLException {
    PreparedStatement statement = c.prepareStatement(sql);
    try {
      for (int i = 0; i < values.length; i++) {
        Object value = values[i];
        if (value == null) {
          statement.setNull(i + 1, Types.OTHER); // untyped: PostgreSQL takes the column's type
        } else if (value instanceof Long l) {
          statement.setLong(i + 1, l);
        } else if (value instanceof Integer n) {
          statement.setLong(i + 1, n);
        } else {
          statement.setString(i + 1, value.toString());
        }
      }
      return statement;
    } catch (SQLException e) {
      statement.close();
      throw e;
    }
  }

  private static long millis(RegistryEvent e) {
    return e.timestamp().toEpochMilli();
  }

  private static Long size(long size) {
    return size < 0 ? null : size;
  }

  private static String text(Digest digest) {
    return digest == null ? null : digest.toString();
  }
}
