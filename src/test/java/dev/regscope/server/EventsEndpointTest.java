package dev.regscope.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.events.EnvelopeParser;
import dev.regscope.events.EventReceiver;
import dev.regscope.events.RegistryNames;
import dev.regscope.events.StoredManifests;
import dev.regscope.events.store.EventDatabase;
import dev.regscope.events.store.EventStatistics;
import dev.regscope.events.store.EventWriter;
import dev.regscope.metrics.EventExposition;
import dev.regscope.metrics.ExpositionPublisher;
import dev.regscope.metrics.SeriesFilter;
import dev.regscope.model.ScanState;
import dev.regscope.scan.RepositoryFilter;
import dev.regscope.scan.SnapshotSource;
import dev.regscope.testing.Notifications;
import dev.regscope.testing.PromText;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /events} over real HTTP, into a real SQLite store, with the real fixtures' headers.
 */
@Timeout(120)
class EventsEndpointTest {
  private static final String TOKEN =
      "example-token"; // what the fixtures' registry was configured with

  @TempDir Path dir;
  private EventDatabase database;
  private EventExposition metrics;
  private MetricsServer server;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Notifications.Post> posts = Notifications.all();

  @BeforeEach
  void start() throws SQLException, IOException {
    database = EventDatabase.open(dir.resolve("events.db").toString(), null);
    EventReceiver receiver =
        new EventReceiver(
            TOKEN,
            new EnvelopeParser(RegistryNames.IDENTITY),
            new EventWriter(database, StoredManifests.NONE, Clock.systemUTC()));
    metrics =
        new EventExposition(
            new EventStatistics(database, null),
            receiver,
            () -> 0,
            RepositoryFilter.ALL,
            SeriesFilter.ALL,
            Duration.ofMinutes(5),
            Clock.systemUTC());
    SnapshotSource nothingScanned =
        new SnapshotSource() {
          @Override
          public ScanState current() {
            return ScanState.EMPTY;
          }

          @Override
          public boolean ready() {
            return true;
          }
        };
    ExpositionPublisher publisher = new ExpositionPublisher(SeriesFilter.ALL);
    publisher.accept(ScanState.EMPTY);
    server =
        MetricsServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            nothingScanned,
            publisher,
            new MetricsServer.Events(receiver, metrics));
  }

  @AfterEach
  void stop() {
    server.close();
    metrics.close();
    database.close();
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  private HttpResponse<String> post(byte[] body, String authorization) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(Endpoints.EVENTS))
            .header("Content-Type", "application/vnd.docker.distribution.events.v1+json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private Map<String, Double> scrape(boolean gzip) throws Exception {
    metrics.refresh(); // what the background reading would have read by now
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(Endpoints.METRICS));
    if (gzip) {
      request.header("Accept-Encoding", "gzip");
    }
    HttpResponse<byte[]> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    byte[] body = response.body();
    if (gzip) {
      assertThat(response.headers().firstValue("Content-Encoding")).contains("gzip");
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
        body = in.readAllBytes();
      }
    }
    return PromText.parse(new String(body, StandardCharsets.UTF_8));
  }

  @Test
  void everyFixtureIsAcceptedWithTheHeadersTheRegistrySentAndCountedOnce() throws Exception {
    for (Notifications.Post post : posts) {
      HttpResponse<String> response = post(post.body(), post.header("Authorization"));
      assertThat(response.statusCode())
          .as("POST %04d: %s", post.seq(), response.body())
          .isEqualTo(200);
    }
    // The registry redelivers what it is unsure of: the second time nothing is added.
    HttpResponse<String> replay = post(posts.get(0).body(), "Bearer " + TOKEN);
    assertThat(replay.statusCode()).isEqualTo(200);
    assertThat(replay.body()).contains("stored 0, already stored 1");

    for (boolean gzip : new boolean[] {true, false}) {
      Map<String, Double> metrics = scrape(gzip);
      assertThat(metrics.get(PromText.series("registry_events_total", "action", "push")))
          .isEqualTo(144.0);
      assertThat(metrics.get(PromText.series("registry_events_total", "action", "pull")))
          .isEqualTo(112.0);
      assertThat(metrics.get(PromText.series("registry_events_total", "action", "mount")))
          .isEqualTo(14.0);
      assertThat(metrics.get(PromText.series("registry_events_total", "action", "delete")))
          .isEqualTo(9.0);
      assertThat(metrics.get(PromText.series("repository_pulls_total", "repository", "ci/nightly")))
          .isEqualTo(22.0);
      Instant pulled =
          Instant.parse(Notifications.number(posts, 38).event().get("timestamp").asText());
      assertThat(
              metrics.get(
                  PromText.series(
                      "repository_tag_last_pull_timestamp_seconds",
                      "repository",
                      "apps/web",
                      "tag",
                      "v1.1.0")))
          .isEqualTo(pulled.toEpochMilli() / 1000.0);
      assertThat(metrics.get(PromText.series("regscope_events_store_errors_total"))).isEqualTo(0.0);
      // The scan's own series are still there in front.
      assertThat(metrics.keySet()).anyMatch(series -> series.startsWith("regscope_scan_"));
    }
  }

  @Test
  void withoutTheTokenNothingIsStored() throws Exception {
    byte[] body = posts.get(0).body();
    assertThat(post(body, null).statusCode()).isEqualTo(401);
    assertThat(post(body, "Bearer wrong-token").statusCode()).isEqualTo(401);
    assertThat(post(body, "Basic " + TOKEN).statusCode()).isEqualTo(401);
    assertThat(post(body, TOKEN).statusCode()).isEqualTo(401);
    assertThat(scrape(false).get(PromText.series("registry_events_total", "action", "push")))
        .isEqualTo(0.0);
  }

  @Test
  void malformedOversizedAndWrongMethodAreRefusedWithOneLine() throws Exception {
    HttpResponse<String> malformed =
        post("{\"events\": 1}".getBytes(StandardCharsets.UTF_8), "Bearer " + TOKEN);
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.body())
        .isEqualTo("body is not an envelope: expected {\"events\":[...]}\n");

    byte[] big = new byte[EventsEndpoint.MAX_BODY_BYTES + 1];
    java.util.Arrays.fill(big, (byte) ' ');
    assertThat(post(big, "Bearer " + TOKEN).statusCode()).isEqualTo(413);
    // Without a Content-Length (chunked), the limit is found by reading.
    HttpRequest chunked =
        HttpRequest.newBuilder(uri(Endpoints.EVENTS))
            .header("Authorization", "Bearer " + TOKEN)
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
            .build();
    assertThat(http.send(chunked, HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(413);
    // Exactly at the limit is read (and is not JSON).
    assertThat(post(new byte[EventsEndpoint.MAX_BODY_BYTES], "Bearer " + TOKEN).statusCode())
        .isEqualTo(400);

    HttpResponse<String> get =
        http.send(
            HttpRequest.newBuilder(uri(Endpoints.EVENTS)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
  }

  @Test
  void whenTheStoreIsDownTheAnswerIs503AndTheErrorIsCounted() throws Exception {
    database.close(); // every connection now fails, as with a database that went away
    HttpResponse<String> response = post(posts.get(0).body(), "Bearer " + TOKEN);
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).startsWith("event store unavailable: ").doesNotContain("\n\n");
    assertThat(scrape(true).get(PromText.series("regscope_events_store_errors_total")))
        .isEqualTo(1.0);
  }
}
