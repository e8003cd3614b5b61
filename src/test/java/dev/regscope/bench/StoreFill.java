package dev.regscope.bench;

import dev.regscope.events.store.EventDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.SplittableRandom;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Fills a migrated store fast, without HTTP: {@code n} events of the model spread evenly over the
 * last {@code days} (PostgreSQL's COPY, SQLite's batched inserts in large transactions), and the
 * derived tables a registry of the model's size has (tags, manifests, blobs, references, traffic, a
 * day of rollup per repository and day).
 */
final class StoreFill {
  private static final long DAY = Duration.ofDays(1).toMillis();

  private final EventModel model;
  private final long now;
  private final int days;
  private final java.util.Map<String, Long> actions = new java.util.TreeMap<>();

  StoreFill(EventModel model, long now, int days) {
    this.model = model;
    this.now = now;
    this.days = days;
  }

  void fill(EventDatabase database, long n) throws SQLException, IOException {
    try (Connection c = database.connection()) {
      if (database.isSqlite()) {
        try (Statement s = c.createStatement()) {
          s.execute("PRAGMA synchronous = OFF"); // a bulk load; the bench's own connection only
          s.execute("PRAGMA cache_size = -1000000");
        }
      }
      c.setAutoCommit(false);
      if (database.isSqlite()) {
        insertEvents(c, n);
      } else {
        copyEvents(c, n);
      }
      derived(c);
      try (PreparedStatement counts =
          c.prepareStatement("INSERT INTO event_counts VALUES (?, ?, ?)")) {
        for (var count : actions.entrySet()) {
          bind(counts, EventModel.REGISTRY, count.getKey(), count.getValue());
        }
        counts.executeBatch();
      }
      c.commit();
      if (database.isSqlite()) {
        try (Statement s = c.createStatement()) {
          c.setAutoCommit(true);
          s.execute("PRAGMA synchronous = FULL"); // as the store opens its connections
          s.execute("PRAGMA cache_size = -2000");
          s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
      } else {
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
          s.execute("VACUUM ANALYZE");
        }
      }
    }
  }

  private long at(long i, long n) {
    return now - days * DAY + (long) ((double) i / n * days * DAY);
  }

  private void insertEvents(Connection c, long n) throws SQLException {
    SplittableRandom random = new SplittableRandom(13);
    try (PreparedStatement insert =
        c.prepareStatement(
            "INSERT INTO events (id, registry, action, target, occurred_at, received_at,"
                + " repository, digest, tag, media_type, size, method, actor, user_agent, body)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)")) {
      for (long i = 0; i < n; i++) {
        EventModel.Event e = model.next(random, at(i, n));
        actions.merge(e.action(), 1L, Long::sum);
        insert.setString(1, e.id());
        insert.setString(2, EventModel.REGISTRY);
        insert.setString(3, e.action());
        insert.setString(4, e.target());
        insert.setLong(5, e.at());
        insert.setLong(6, e.at());
        insert.setString(7, e.repository());
        insert.setString(8, e.digest());
        insert.setString(9, e.tag());
        insert.setString(10, e.mediaType());
        if (e.size() < 0) {
          insert.setNull(11, Types.BIGINT);
        } else {
          insert.setLong(11, e.size());
        }
        insert.setString(12, e.method());
        insert.setString(13, e.method().equals("HEAD") ? "kubelet/v1.29.2" : "containerd/v1.7.13");
        insert.setString(14, e.body());
        insert.addBatch();
        if ((i + 1) % 50_000 == 0) {
          insert.executeBatch();
          c.commit();
          progress(i + 1, n);
        }
      }
      insert.executeBatch();
    }
  }

  private void copyEvents(Connection c, long n) throws SQLException {
    SplittableRandom random = new SplittableRandom(13);
    CopyIn copy =
        c.unwrap(PGConnection.class)
            .getCopyAPI()
            .copyIn(
                "COPY events (id, registry, action, target, occurred_at, received_at, repository,"
                    + " digest, tag, media_type, size, method, actor, user_agent, body) FROM STDIN");
    StringBuilder rows = new StringBuilder(1 << 20);
    for (long i = 0; i < n; i++) {
      EventModel.Event e = model.next(random, at(i, n));
      actions.merge(e.action(), 1L, Long::sum);
      rows.append(e.id()).append('\t').append(EventModel.REGISTRY).append('\t');
      rows.append(e.action()).append('\t').append(e.target()).append('\t').append(e.at());
      rows.append('\t').append(e.at()).append('\t').append(e.repository()).append('\t');
      rows.append(orNull(e.digest())).append('\t').append(orNull(e.tag())).append('\t');
      rows.append(orNull(e.mediaType())).append('\t');
      rows.append(e.size() < 0 ? "\\N" : String.valueOf(e.size())).append('\t');
      rows.append(e.method()).append("\t\\N\t");
      rows.append(e.method().equals("HEAD") ? "kubelet/v1.29.2" : "containerd/v1.7.13");
      rows.append('\t').append(e.body()).append('\n'); // no tab, newline or backslash in them
      if (rows.length() > (1 << 20)) {
        byte[] bytes = rows.toString().getBytes(StandardCharsets.UTF_8);
        copy.writeToCopy(bytes, 0, bytes.length);
        rows.setLength(0);
      }
      if ((i + 1) % 500_000 == 0) {
        progress(i + 1, n);
      }
    }
    byte[] bytes = rows.toString().getBytes(StandardCharsets.UTF_8);
    copy.writeToCopy(bytes, 0, bytes.length);
    copy.endCopy();
  }

  private static String orNull(String value) {
    return value == null ? "\\N" : value;
  }

  private static void progress(long done, long n) {
    if (done % 1_000_000 == 0 || done == n) {
      System.err.printf("[bench] filled %,d of %,d events%n", done, n);
    }
  }

  /** What a registry of the model's size has learnt from its events. */
  private void derived(Connection c) throws SQLException {
    String registry = EventModel.REGISTRY;
    try (PreparedStatement tags =
            c.prepareStatement("INSERT INTO tags VALUES (?, ?, ?, ?, ?, ?, ?)");
        PreparedStatement manifests =
            c.prepareStatement("INSERT INTO manifests VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        PreparedStatement blobs =
            c.prepareStatement("INSERT INTO blobs VALUES (?, ?, ?, ?, ?, ?, ?)");
        PreparedStatement refs =
            c.prepareStatement("INSERT INTO manifest_blob VALUES (?, ?, ?, ?, ?, ?)");
        PreparedStatement repositories =
            c.prepareStatement(
                "INSERT INTO repositories (registry, repository, pulls, last_pulled, pushes,"
                    + " pull_bytes, push_bytes) VALUES (?, ?, ?, ?, ?, ?, ?)");
        PreparedStatement daily =
            c.prepareStatement("INSERT INTO daily_traffic VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      for (int r = 0; r < model.repositories; r++) {
        String repository = model.repository(r);
        long pushed = now - (1 + EventModel.mix(r, 1) % 400) * DAY;
        for (int m = 0; m < model.manifests; m++) {
          long pulled = now - EventModel.mix(r, m) % (200 * DAY);
          bind(
              manifests,
              registry,
              repository,
              model.manifest(r, m),
              EventModel.MANIFEST_TYPE,
              model.manifestSize(r, m),
              pushed,
              pulled,
              EventModel.mix(m, r) % 5000);
          for (int k = 0; k <= EventModel.LAYERS; k++) {
            int b = model.blobOf(m, k);
            bind(
                refs,
                registry,
                repository,
                model.manifest(r, m),
                model.blob(r, b),
                EventModel.MEDIA[k == 0 ? 0 : 1],
                model.blobSize(r, b));
          }
          if (m < model.tags) {
            bind(
                tags,
                registry,
                repository,
                model.tag(m),
                model.manifest(r, m),
                pushed,
                pulled,
                EventModel.mix(m, r) % 5000);
          }
        }
        for (int b = 0; b < model.blobs; b++) {
          bind(
              blobs,
              registry,
              repository,
              model.blob(r, b),
              EventModel.MEDIA[b < model.manifests ? 0 : 1],
              model.blobSize(r, b),
              pushed,
              now - EventModel.mix(r, b) % (200 * DAY));
        }
        long pullBytes = 0;
        for (int d = 0; d < days; d++) {
          long bytes = EventModel.mix(r, d) % 50_000_000_000L;
          pullBytes += bytes;
          bind(
              daily,
              registry,
              repository,
              (now - d * DAY) / DAY,
              EventModel.mix(d, r) % 10_000,
              EventModel.mix(r, d) % 20,
              bytes,
              EventModel.mix(d, r) % 2_000_000_000L);
        }
        bind(
            repositories,
            registry,
            repository,
            EventModel.mix(r, 7) % 1_000_000,
            now,
            EventModel.mix(r, 8) % 10_000,
            pullBytes,
            EventModel.mix(r, 9) % 100_000_000_000L);
        for (PreparedStatement s :
            new PreparedStatement[] {tags, manifests, blobs, refs, daily, repositories}) {
          s.executeBatch();
        }
      }
    }
  }

  private static void bind(PreparedStatement statement, Object... values) throws SQLException {
    for (int i = 0; i < values.length; i++) {
      if (values[i] instanceof String text) {
        statement.setString(i + 1, text);
      } else {
        statement.setLong(i + 1, ((Number) values[i]).longValue());
      }
    }
    statement.addBatch();
  }
}
