package dev.regscope.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regscope.testing.Notifications;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvelopeParserTest {
  private final EnvelopeParser parser = new EnvelopeParser(RegistryNames.IDENTITY);
  private final List<Notifications.Post> posts = Notifications.all();

  private RegistryEvent parse(int seq) throws MalformedEventException {
    Delivery delivery = parser.parse(Notifications.number(posts, seq).body());
    assertThat(delivery.rejected()).isEmpty();
    List<RegistryEvent> events = delivery.events();
    assertThat(events).hasSize(1);
    return events.get(0);
  }

  @Test
  void everyFixtureParsesToOneEventWithItsOwnIdActionAndRepository()
      throws MalformedEventException {
    assertThat(posts).hasSize(279);
    for (Notifications.Post post : posts) {
      RegistryEvent event = parse(post.seq());
      assertThat(event.id()).isEqualTo(post.event().get("id").asText());
      assertThat(event.action()).isEqualTo(post.event().get("action").asText());
      assertThat(event.repository())
          .isEqualTo(post.event().get("target").get("repository").asText());
      assertThat(event.registry()).isEqualTo("127.0.0.1:54809");
    }
  }

  @Test
  void aManifestPushCarriesTagSizeAndReferences() throws MalformedEventException {
    RegistryEvent event = parse(3);
    assertThat(event.target()).isEqualTo(Target.MANIFEST);
    assertThat(event.tag()).isEqualTo("3.18");
    assertThat(event.size()).isEqualTo(478);
    assertThat(event.timestamp())
        .isEqualTo(Instant.parse("2026-11-24T12:39:45.034962782Z")); // nanoseconds kept
    assertThat(event.references())
        .extracting(r -> r.digest().toString())
        .containsExactly(
            "sha256:45c1aa391d1cff14bfc92ab5429777d19d411ce3eded6404be1235947c2c0ce1",
            "sha256:730808e20405015db394b2ae7d5b21972fae908394e27bde3bf47bf7d0a322e2");
    assertThat(event.references()).extracting(Reference::size).containsExactly(462L, 97577L);
  }

  @Test
  void blobsAreToldFromManifestsByUrlAndDeletesByDigestSayNeither() throws MalformedEventException {
    assertThat(parse(1).target()).isEqualTo(Target.BLOB);
    assertThat(parse(13).isHead()).isTrue();
    assertThat(parse(14).fromRepository()).isEqualTo("base/alpine");
    assertThat(parse(51).target()).isEqualTo(Target.DIGEST);
    RegistryEvent tagDelete = parse(52);
    assertThat(tagDelete.target()).isEqualTo(Target.TAG);
    assertThat(tagDelete.digest()).isNull();
    assertThat(tagDelete.tag()).isEqualTo("v0.9-broken");
  }

  @Test
  void aliasesOfOneHostBecomeItsCanonicalName() throws MalformedEventException {
    EnvelopeParser aliased =
        new EnvelopeParser(
            RegistryNames.of(
                Map.of("registry.example.com", List.of("127.0.0.1:54809", "registry.svc:5000"))));
    assertThat(aliased.parse(Notifications.number(posts, 1).body()).events().get(0).registry())
        .isEqualTo("registry.example.com");
    assertThat(
            RegistryNames.of(Map.of("registry.example.com", List.of("Registry.SVC:5000")))
                .canonical("registry.svc:5000"))
        .isEqualTo("registry.example.com");
    assertThat(RegistryNames.IDENTITY.canonical("Other:443")).isEqualTo("other:443");
  }

  @Test
  void aBodyThatIsNotAnEnvelopeFailsWithOneLine() {
    assertMalformed("not json", "body is not JSON");
    assertMalformed("[]", "not an envelope");
    assertMalformed("{\"events\": 3}", "not an envelope");
  }

  @Test
  void anEventThatCanNeverBeStoredIsSetAsideWithOneLineNamingTheValue() throws Exception {
    assertSetAside("{\"events\": [3]}", "malformed", "events[0] is not an object");
    assertSetAside(
        "{\"events\": [{\"timestamp\": \"2026-11-24T12:39:45Z\", \"action\": \"push\","
            + " \"target\": {\"repository\": \"a\", \"digest\": \"sha256:"
            + "a".repeat(64)
            + "\"}}]}",
        "malformed",
        "events[0].id is missing");
    assertSetAside(
        event("\"timestamp\": \"yesterday\""),
        "malformed",
        "events[0].timestamp is not an RFC 3339 time: yesterday");
    assertSetAside(
        event("\"target\": {\"repository\": \"a\", \"digest\": \"sha256:XYZ\"}"),
        "malformed",
        "events[0].target.digest is not a digest: sha256:XYZ");
    assertSetAside(
        event("\"target\": {\"repository\": \"a\"}"),
        "malformed",
        "names neither a digest nor a tag");
    assertSetAside(
        event("\"target\": {\"repository\": \"a\", \"tag\": \"t\", \"size\": -4}"),
        "malformed",
        "events[0].target.size is not a size in bytes: -4");
    assertSetAside(
        event("\"target\": {\"repository\": 7, \"tag\": \"t\"}"),
        "malformed",
        "events[0].target.repository is not a string: 7");
    // Well-formed, but a push names what it pushed by digest: there is nothing to record.
    assertSetAside(
        event("\"target\": {\"repository\": \"a\", \"tag\": \"t\"}"),
        "missing_digest",
        "events[0]: a push that names no digest");
  }

  @Test
  void theSetAsideEventKeepsItsIdOrElseTheDigestOfItsJson() throws Exception {
    RejectedEvent withId =
        parser
            .parse(event("\"timestamp\": \"yesterday\"").getBytes(StandardCharsets.UTF_8))
            .rejected()
            .get(0);
    assertThat(withId.key()).isEqualTo("e1");
    assertThat(withId.body()).contains("\"yesterday\"");
    RejectedEvent noId =
        parser.parse("{\"events\": [3]}".getBytes(StandardCharsets.UTF_8)).rejected().get(0);
    // sha256 of the JSON text "3", as `printf 3 | sha256sum` gives it
    assertThat(noId.key())
        .isEqualTo("sha256:4e07408562bedb8b60ce05c1decfe3ad16b72230967de01f640b7e4729b49fce");
  }

  @Test
  void theOtherEventsOfADeliveryAreKept() throws Exception {
    String good = new String(Notifications.number(posts, 3).body(), StandardCharsets.UTF_8);
    String both = good.replaceFirst("\\[", "[{\"id\": 5},");
    Delivery delivery = parser.parse(both.getBytes(StandardCharsets.UTF_8));
    assertThat(delivery.events()).extracting(RegistryEvent::tag).containsExactly("3.18");
    assertThat(delivery.rejected())
        .extracting(RejectedEvent::detail)
        .containsExactly("events[0].id is not a string: 5");
  }

  private void assertSetAside(String body, String reason, String detail) throws Exception {
    Delivery delivery = parser.parse(body.getBytes(StandardCharsets.UTF_8));
    assertThat(delivery.events()).isEmpty();
    assertThat(delivery.rejected()).hasSize(1);
    RejectedEvent rejected = delivery.rejected().get(0);
    assertThat(rejected.reason().label()).isEqualTo(reason);
    assertThat(rejected.detail()).contains(detail).doesNotContain("\n");
  }

  /** A valid event with one field replaced. */
  private static String event(String replacement) {
    String field = replacement.substring(1, replacement.indexOf('"', 1));
    StringBuilder json = new StringBuilder("{\"events\": [{\"id\": \"e1\"");
    if (!field.equals("timestamp")) {
      json.append(", \"timestamp\": \"2026-11-24T12:39:45Z\"");
    }
    json.append(", \"action\": \"push\"");
    if (!field.equals("target")) {
      json.append(", \"target\": {\"repository\": \"a\", \"tag\": \"t\"}");
    }
    return json.append(", ").append(replacement).append("}]}").toString();
  }

  private void assertMalformed(String body, String message) {
    assertThatThrownBy(() -> parser.parse(body.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MalformedEventException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
