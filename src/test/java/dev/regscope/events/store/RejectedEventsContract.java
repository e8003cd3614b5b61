package dev.regscope.events.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regscope.events.EnvelopeParser;
import dev.regscope.events.EventReceiver;
import dev.regscope.events.RegistryNames;
import dev.regscope.events.StoredManifests;
import dev.regscope.metrics.EventFamilies;
import dev.regscope.metrics.SeriesFilter;
import dev.regscope.scan.RepositoryFilter;
import dev.regscope.testing.LogCapture;
import dev.regscope.testing.Notifications;
import dev.regscope.testing.PromText;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Poison webhooks: events the store can never accept are kept raw in {@code rejected_events},
 * answered 200 (the registry retries anything else forever, holding back its whole queue), counted
 * by reason and logged once; header values of any length are stored whole. Run on SQLite and on
 * PostgreSQL, whose column types and value rules are the ones that refused events before.
 */
abstract class RejectedEventsContract {
  static final String TOKEN = "example-token";
  static final Clock NOW = Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC);
  static final ObjectMapper JSON = new ObjectMapper();

  final List<Notifications.Post> posts = Notifications.all();
  EventDatabase database;
  EventReceiver receiver;

  abstract EventDatabase open() throws SQLException;

  @BeforeEach
  void openStore() throws SQLException {
    database = open();
    receiver =
        new EventReceiver(
            TOKEN,
            new EnvelopeParser(RegistryNames.IDENTITY),
            new EventWriter(database, StoredManifests.NONE, NOW));
  }

  @AfterEach
  void closeStore() {
    database.close();
  }

  /** The event of fixture POST {@code seq} (0003: base/alpine:3.18 pushed), to be changed. */
  ObjectNode fixtureEvent(int seq) throws Exception {
    return (ObjectNode) JSON.readTree(Notifications.number(posts, seq).body()).get("events").get(0);
  }

  EventReceiver.Answer deliver(ObjectNode... events) throws Exception {
    ObjectNode envelope = JSON.createObjectNode();
    ArrayNode array = envelope.putArray("events");
    for (ObjectNode event : events) {
      array.add(event);
    }
    return receiver.receive("Bearer " + TOKEN, JSON.writeValueAsBytes(envelope));
  }

  List<List<String>> rows(String sql, Object... values) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    try (Connection c = database.connection();
        PreparedStatement s = Sql.prepare(c, sql, values);
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
          row.add(r.getString(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /** The event metrics as a scrape would show them, read from the store now. */
  Map<String, Double> metrics() throws Exception {
    EventStatistics.Totals totals = new EventStatistics(database, null).read();
    StringWriter text = new StringWriter();
    TextFormat.write004(
        text,
        Collections.enumeration(
            EventFamilies.store(totals, NOW.millis(), RepositoryFilter.ALL, SeriesFilter.ALL)));
    return PromText.parse(text.toString());
  }

  @Test
  void aPushWithoutADigestIsKeptRawAnsweredOkCountedAndLoggedOnce() throws Exception {
    ObjectNode push = fixtureEvent(3);
    String id = push.get("id").asText();
    ((ObjectNode) push.get("target")).remove("digest");
    try (LogCapture log = LogCapture.start()) {
      for (int attempt = 0; attempt < 3; attempt++) { // the registry's redeliveries
        EventReceiver.Answer answer = deliver(push);
        assertThat(answer.status()).as(answer.message()).isEqualTo(200);
      }
      List<String> setAside =
          log.warnings().stream().filter(l -> l.contains("set aside event " + id)).toList();
      assertThat(setAside).hasSize(1);
      assertThat(setAside.get(0)).contains("missing_digest", "a push that names no digest");
    }
    List<List<String>> kept =
        rows("SELECT event_key, reason, body FROM rejected_events WHERE event_key = ?", id);
    assertThat(kept).hasSize(1);
    assertThat(kept.get(0).get(1)).isEqualTo("missing_digest");
    assertThat(JSON.readTree(kept.get(0).get(2))).isEqualTo(push); // raw: nothing lost
    assertThat(rows("SELECT id FROM events")).isEmpty();
    assertThat(metrics())
        .containsEntry(
            PromText.series("regscope_events_rejected_total", "reason", "missing_digest"), 1.0)
        .containsEntry(
            PromText.series("regscope_events_rejected_total", "reason", "malformed"), 0.0)
        .containsEntry(
            PromText.series("regscope_events_rejected_total", "reason", "database"), 0.0);

    // The queue flows: the registry's next event is stored.
    EventReceiver.Answer next = deliver(fixtureEvent(4));
    assertThat(next.message()).isEqualTo("stored 1, already stored 0");
  }

  @Test
  void hostUserAgentAndActorOfAnyLengthAreStoredWhole() throws Exception {
    ObjectNode push = fixtureEvent(3);
    String host = "registry-" + "a".repeat(300) + ".example.com:5000"; // over VARCHAR(255)
    String agent = "containerd/1.7.2 " + "x".repeat(2000); // over VARCHAR(1024)
    String actor = "system:serviceaccount:" + "b".repeat(300);
    ((ObjectNode) push.get("request")).put("host", host).put("useragent", agent);
    ((ObjectNode) push.get("actor")).put("name", actor);
    String id = push.get("id").asText();

    EventReceiver.Answer answer = deliver(push);

    assertThat(answer.status()).as(answer.message()).isEqualTo(200);
    assertThat(answer.message()).isEqualTo("stored 1, already stored 0");
    assertThat(rows("SELECT registry, user_agent, actor FROM events WHERE id = ?", id))
        .containsExactly(List.of(host, agent, actor));
    assertThat(rows("SELECT tag FROM tags WHERE registry = ?", host))
        .containsExactly(List.of("3.18"));
    assertThat(rows("SELECT event_key FROM rejected_events")).isEmpty();
  }

  @Test
  void aMalformedEventIsSetAsideAndTheRestOfItsDeliveryStored() throws Exception {
    ObjectNode bad = fixtureEvent(1);
    ((ObjectNode) bad.get("target")).put("digest", "sha256:not-a-digest");
    ObjectNode good = fixtureEvent(3);

    EventReceiver.Answer answer = deliver(bad, good);

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.message()).isEqualTo("stored 1, already stored 0, set aside 1");
    assertThat(rows("SELECT id FROM events")).containsExactly(List.of(good.get("id").asText()));
    assertThat(rows("SELECT event_key, reason, error FROM rejected_events"))
        .containsExactly(
            List.of(
                bad.get("id").asText(),
                "malformed",
                "events[0].target.digest is not a digest: sha256:not-a-digest"));
  }

  @Test
  void aBodyThatIsNotAnEnvelopeIsStillRefusedAndNothingKept() throws Exception {
    EventReceiver.Answer answer =
        receiver.receive("Bearer " + TOKEN, "<html>".getBytes(StandardCharsets.UTF_8));
    assertThat(answer.status()).isEqualTo(400);
    assertThat(rows("SELECT event_key FROM rejected_events")).isEmpty();
  }

  /** An event whose user agent holds a NUL character (JSON allows it, HTTP does not). */
  ObjectNode withNul() throws Exception {
    ObjectNode push = fixtureEvent(3);
    ((ObjectNode) push.get("request")).put("useragent", "skopeo\u0000/1.9.3");
    return push;
  }
}
