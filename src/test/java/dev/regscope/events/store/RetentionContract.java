package dev.regscope.events.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regscope.events.EnvelopeParser;
import dev.regscope.events.EventReceiver;
import dev.regscope.events.RegistryNames;
import dev.regscope.events.StoredManifests;
import dev.regscope.events.store.EventQueries.Name;
import dev.regscope.events.store.EventQueries.Options;
import dev.regscope.testing.Notifications;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Retention with a fixed clock: raw events older than it are pruned in small batches, those inside
 * kept, and nothing derived from events changes; a prune while deliveries arrive loses none of
 * them. Run on SQLite and PostgreSQL.
 */
@Timeout(300)
abstract class RetentionContract {
  static final Duration RETENTION = Duration.ofDays(30);
  static final List<String> DERIVED =
      List.of(
          "tags",
          "manifests",
          "blobs",
          "manifest_blob",
          "repositories",
          "daily_traffic",
          "event_counts",
          "deleted_tags",
          "deleted_manifests",
          "deleted_blobs",
          "rejected_counts");

  final List<Notifications.Post> posts = Notifications.all();
  final EnvelopeParser parser = new EnvelopeParser(RegistryNames.IDENTITY);
  EventDatabase database;

  abstract EventDatabase open() throws SQLException;

  @BeforeEach
  void openStore() throws SQLException {
    database = open();
  }

  @AfterEach
  void closeStore() {
    database.close();
  }

  Instant timestampOf(int seq) {
    return Instant.parse(Notifications.number(posts, seq).event().get("timestamp").asText())
        .truncatedTo(ChronoUnit.MILLIS);
  }

  /** A clock at which the events from POST {@code seq} on are inside the retention. */
  Clock keepingFrom(int seq) {
    return Clock.fixed(timestampOf(seq).plus(RETENTION), ZoneOffset.UTC);
  }

  void replay(Clock clock) throws Exception {
    EventWriter writer = new EventWriter(database, StoredManifests.NONE, clock);
    for (Notifications.Post post : posts) {
      writer.store(parser.parse(post.body()));
    }
  }

  List<String> column(String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection c = database.connection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        values.add(r.getString(1));
      }
    }
    return values;
  }

  /** Every row of every derived table, as text, in a stable order. */
  Map<String, List<String>> derived() throws SQLException {
    Map<String, List<String>> tables = new TreeMap<>();
    for (String table : DERIVED) {
      List<String> rows = new ArrayList<>();
      try (Connection c = database.connection();
          Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT * FROM " + table)) {
        while (r.next()) {
          StringBuilder row = new StringBuilder();
          for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
            row.append(r.getString(i)).append('|');
          }
          rows.add(row.toString());
        }
      }
      rows.sort(null);
      tables.put(table, rows);
    }
    return tables;
  }

  @Test
  void eventsOlderThanTheRetentionArePrunedAndThoseInsideKept() throws Exception {
    Clock clock = keepingFrom(150);
    replay(clock);
    List<String> inside = new ArrayList<>();
    for (Notifications.Post post : posts.subList(149, posts.size())) {
      inside.add(post.event().get("id").asText());
    }

    EventPruner pruner = new EventPruner(database, RETENTION, clock);
    assertThat(pruner.prune()).isEqualTo(149); // POSTs 0001 to 0149
    assertThat(pruner.pruned()).isEqualTo(149);
    assertThat(column("SELECT id FROM events")).containsExactlyInAnyOrderElementsOf(inside);
    assertThat(pruner.prune()).isZero(); // nothing more until time moves on

    try (Connection c = database.connection()) {
      assertThat(StoreHealth.read(c, database).oldestMillis())
          .isEqualTo(timestampOf(150).toEpochMilli());
    }
  }

  @Test
  void whatTheEventsToldIsUnchangedByPruning() throws Exception {
    Clock clock = keepingFrom(150);
    replay(clock);
    EventReceiver receiver =
        new EventReceiver(
            "t", parser, new EventWriter(database, StoredManifests.NONE, keepingFrom(1)));
    // A set-aside event received long ago goes too; its count stays.
    assertThat(
            receiver
                .receive(
                    "Bearer t",
                    "{\"events\": [{\"id\": \"old-poison\"}]}".getBytes(StandardCharsets.UTF_8))
                .message())
        .contains("set aside 1");
    Map<String, List<String>> before = derived();
    EventQueries queries = new EventQueries(database, clock);
    List<List<Object>> images =
        queries.run(Name.IMAGES, Options.ALL, EventQueries.TagSizes.NONE).rows();
    List<List<Object>> traffic = queries.run(Name.TRAFFIC, Options.ALL, null).rows();
    List<List<Object>> deleted = queries.run(Name.DELETED, Options.ALL, null).rows();

    new EventPruner(database, RETENTION, Clock.offset(clock, Duration.ofDays(365))).prune();

    assertThat(column("SELECT COUNT(*) FROM events")).containsExactly("0");
    assertThat(column("SELECT COUNT(*) FROM rejected_events")).containsExactly("0");
    assertThat(derived()).isEqualTo(before);
    assertThat(queries.run(Name.IMAGES, Options.ALL, EventQueries.TagSizes.NONE).rows())
        .isEqualTo(images);
    assertThat(queries.run(Name.TRAFFIC, Options.ALL, null).rows()).isEqualTo(traffic);
    assertThat(queries.run(Name.DELETED, Options.ALL, null).rows()).isEqualTo(deleted);
  }

  @Test
  void aShutdownStopsPruningAndTheNextPassGoesOn() throws Exception {
    Clock clock = keepingFrom(150);
    replay(clock);
    EventPruner pruner = new EventPruner(database, RETENTION, clock);
    Thread.currentThread().interrupt(); // as PruneSchedule.close() does to its thread
    try {
      assertThat(pruner.prune()).isZero();
    } finally {
      assertThat(Thread.interrupted()).isTrue();
    }
    assertThat(column("SELECT COUNT(*) FROM events")).containsExactly("279");
    assertThat(pruner.prune()).isEqualTo(149);
  }

  @Test
  void aRetentionOfZeroIsNotAPrunerButEverythingKept() {
    assertThatThrownBy(() -> new EventPruner(database, Duration.ZERO, Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * 20,000 old events to prune while a sender delivers 400 more, half of them old enough to be
   * pruned at once: every delivery answered 200 is in the store or in its rollup, and deliveries
   * were answered while the prune was still going (it does not hold them up).
   */
  @Test
  void aPruneWhileDeliveriesArriveLosesNone() throws Exception {
    Instant now = Instant.parse("2026-12-20T12:00:00Z");
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    long old = now.minus(RETENTION).minus(Duration.ofDays(2)).toEpochMilli();
    bulkInsertOldEvents(20_000, old);
    EventReceiver receiver =
        new EventReceiver("t", parser, new EventWriter(database, StoredManifests.NONE, clock));
    EventPruner pruner = new EventPruner(database, RETENTION, clock);

    Set<String> answered200 = ConcurrentHashMap.newKeySet();
    AtomicLong bytes = new AtomicLong();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread sender =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < 400; i++) {
                  EventReceiver.Answer answer = receiver.receive("Bearer t", latePull(i, old, now));
                  if (answer.status() != 200) {
                    throw new AssertionError(answer.message());
                  }
                  answered200.add("late-" + i);
                  bytes.addAndGet(1000 + i);
                }
              } catch (Throwable e) {
                failed.set(e);
              }
            });
    sender.start();
    while (answered200.isEmpty() && sender.isAlive()) {
      Thread.sleep(1);
    }
    int before = answered200.size();
    pruner.prune(); // while the sender goes on
    int answeredDuringPrune = answered200.size() - before;
    sender.join();
    assertThat(failed.get()).isNull();
    pruner.prune(); // what the sender added behind the first pass

    assertThat(answeredDuringPrune).as("deliveries answered while pruning").isPositive();
    assertThat(pruner.batches()).as("transactions of the prune").isGreaterThan(1);
    List<String> kept = column("SELECT id FROM events");
    for (int i = 0; i < 400; i++) {
      if (i % 2 == 1) {
        assertThat(kept).contains("late-" + i); // inside the retention: in the store
      }
    }
    assertThat(kept).hasSize(200);
    // Every one of the 400 is in the rollup and the repository's counter, old or not.
    assertThat(column("SELECT SUM(pull_bytes) FROM daily_traffic WHERE repository = 'busy/app'"))
        .containsExactly(String.valueOf(bytes.get()));
    assertThat(column("SELECT pull_bytes FROM repositories WHERE repository = 'busy/app'"))
        .containsExactly(String.valueOf(bytes.get()));
    assertThat(column("SELECT events FROM event_counts WHERE action = 'pull'"))
        .containsExactly("400");
    assertThat(answered200).hasSize(400);
  }

  /** A blob GET of {@code busy/app}, every other one older than the retention. */
  static byte[] latePull(int i, long old, Instant now) {
    String timestamp =
        Instant.ofEpochMilli(i % 2 == 0 ? old + i : now.toEpochMilli() - i).toString();
    return ("{\"events\": [{\"id\": \"late-"
            + i
            + "\", \"timestamp\": \""
            + timestamp
            + "\", \"action\": \"pull\", \"target\": {\"mediaType\": \"application/octet-stream\","
            + " \"size\": "
            + (1000 + i)
            + ", \"digest\": \"sha256:"
            + String.format("%064x", i)
            + "\", \"repository\": \"busy/app\", \"url\": \"http://r/v2/busy/app/blobs/x\"},"
            + " \"request\": {\"host\": \"r\", \"method\": \"GET\"}}]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Raw events only, as old ones sit in a store: what pruning deletes. */
  void bulkInsertOldEvents(int count, long occurredAt) throws SQLException {
    try (Connection c = database.connection()) {
      c.setAutoCommit(false);
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO events (id, registry, action, target, occurred_at, received_at,"
                  + " repository, body) VALUES (?, 'r', 'pull', 'blob', ?, ?, 'old/app', ?)")) {
        for (int i = 0; i < count; i++) {
          insert.setString(1, "old-" + i);
          insert.setLong(2, occurredAt + i);
          insert.setLong(3, occurredAt + i);
          insert.setString(4, "{\"id\": \"old-" + i + "\"}");
          insert.addBatch();
        }
        insert.executeBatch();
      }
      c.commit();
    }
  }
}
