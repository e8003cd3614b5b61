package dev.regscope.events.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regscope.events.EnvelopeParser;
import dev.regscope.events.RegistryNames;
import dev.regscope.events.StoredManifests;
import dev.regscope.testing.Notifications;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * A store written by the first version (schema V1 only, every fixture event in it) is opened by
 * this one: it migrates, and its traffic history is there at once, equal to the hand counts.
 */
abstract class UpgradeContract {
  /** A JDBC URL of a fresh, empty database. */
  abstract String freshDatabase() throws Exception;

  /** What {@link EventDatabase#open} takes for that database. */
  abstract String location(String url);

  @Test
  void aFirstVersionStoreMigratesAndItsTrafficIsThereFromItsEvents() throws Exception {
    String url = freshDatabase();
    Flyway.configure()
        .dataSource(url, null, null)
        .locations("classpath:db/migration/common")
        .target("1")
        .load()
        .migrate();
    try (Connection c = DriverManager.getConnection(url)) {
      insertAsTheFirstVersionDid(c);
    }

    try (EventDatabase database = EventDatabase.open(location(url), null)) {
      Map<String, Long> pulled = new TreeMap<>();
      Map<String, Long> pushed = new TreeMap<>();
      try (Connection c = database.connection();
          Statement s = c.createStatement();
          ResultSet r =
              s.executeQuery("SELECT repository, pull_bytes, push_bytes FROM repositories")) {
        while (r.next()) {
          if (r.getLong(2) > 0) {
            pulled.put(r.getString(1), r.getLong(2));
          }
          if (r.getLong(3) > 0) {
            pushed.put(r.getString(1), r.getLong(3));
          }
        }
      }
      assertThat(pulled).isEqualTo(new TreeMap<>(FixtureReplayContract.PULL_BYTES));
      assertThat(pushed).isEqualTo(new TreeMap<>(FixtureReplayContract.PUSH_BYTES));
      try (Connection c = database.connection();
          Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT SUM(pulls), SUM(pushes) FROM daily_traffic")) {
        r.next();
        assertThat(r.getLong(1)).isEqualTo(35); // manifest GETs in the listing
        assertThat(r.getLong(2)).isEqualTo(72); // manifest PUTs
      }

      // And it takes what the first version refused on PostgreSQL: a User-Agent over 1,024.
      ObjectNode event =
          (ObjectNode) Notifications.number(Notifications.all(), 3).event().deepCopy();
      event.put("id", "after-upgrade");
      ((ObjectNode) event.get("request")).put("useragent", "x".repeat(2000));
      String body = "{\"events\": [" + event + "]}";
      assertThat(
              new EventWriter(database, StoredManifests.NONE, Clock.systemUTC())
                  .store(new EnvelopeParser(RegistryNames.IDENTITY).parse(body.getBytes()))
                  .total())
          .isEqualTo(1);
    }
  }

  /**
   * The fixture events as rows of the first version's {@code events} table, each column read off
   * the event's JSON as that version stored it.
   */
  static void insertAsTheFirstVersionDid(Connection c) throws SQLException {
    try (PreparedStatement insert =
        c.prepareStatement(
            "INSERT INTO events (id, registry, action, target, occurred_at, received_at,"
                + " repository, digest, tag, media_type, size, method, actor, user_agent, body)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (Notifications.Post post : Notifications.all()) {
        JsonNode e = post.event();
        JsonNode target = e.get("target");
        String url = target.path("url").asText("");
        String kind =
            !target.has("digest")
                ? "tag"
                : url.contains("/manifests/")
                    ? "manifest"
                    : url.contains("/blobs/") ? "blob" : "digest";
        long at = Instant.parse(e.get("timestamp").asText()).toEpochMilli();
        insert.setString(1, e.get("id").asText());
        insert.setString(2, e.path("request").path("host").asText().toLowerCase(Locale.ROOT));
        insert.setString(3, e.get("action").asText());
        insert.setString(4, kind);
        insert.setLong(5, at);
        insert.setLong(6, at);
        insert.setString(7, target.get("repository").asText());
        insert.setString(8, target.has("digest") ? target.get("digest").asText() : null);
        insert.setString(9, target.has("tag") ? target.get("tag").asText() : null);
        insert.setString(10, target.has("mediaType") ? target.get("mediaType").asText() : null);
        if (target.has("size")) {
          insert.setLong(11, target.get("size").asLong());
        } else {
          insert.setNull(11, Types.BIGINT);
        }
        insert.setString(12, e.path("request").path("method").asText(null));
        insert.setString(13, e.path("actor").path("name").asText(null));
        insert.setString(14, e.path("request").path("useragent").asText(null));
        insert.setString(15, e.toString());
        insert.executeUpdate();
      }
    }
  }
}
