package dev.regscope.events.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.regscope.events.EnvelopeParser;
import dev.regscope.events.EventReceiver;
import dev.regscope.events.RegistryNames;
import dev.regscope.events.StoredManifests;
import dev.regscope.metrics.EventExposition;
import dev.regscope.metrics.ExpositionPublisher;
import dev.regscope.metrics.SeriesFilter;
import dev.regscope.model.ScanState;
import dev.regscope.scan.RepositoryFilter;
import dev.regscope.server.MetricsServer;
import dev.regscope.testing.Notifications;
import dev.regscope.testing.PostgresProcess;
import dev.regscope.testing.PromText;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL hangs (every server process SIGSTOPped: connections stay open, nothing answers) while
 * deliveries arrive. Before, the workers blocked in a socket read forever (no socket timeout):
 * every later delivery got "busy" and a scrape that read the store hung. Now every call has a
 * deadline: deliveries answer 503 and are retried, scrapes answer from memory with the last
 * numbers, pruning gives up, and all flows again once the server thaws.
 */
@Timeout(180)
class HungPostgresTest {
  static final String TOKEN = "t";
  static final EventDatabase.Timeouts SHORT =
      new EventDatabase.Timeouts(Duration.ofSeconds(3), Duration.ofSeconds(2));

  @TempDir Path dir;
  PostgresProcess postgres;
  EventDatabase database;
  EventExposition metrics;
  MetricsServer server;
  final HttpClient http = HttpClient.newHttpClient();
  final List<Notifications.Post> posts = Notifications.all();

  @BeforeEach
  void start() throws Exception {
    postgres = PostgresProcess.start(dir.resolve("pg"), false);
    database = EventDatabase.open(postgres.newDatabase(), null, SHORT);
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
                Duration.ofSeconds(15),
                Clock.systemUTC())
            .start();
    ExpositionPublisher publisher = new ExpositionPublisher(SeriesFilter.ALL);
    publisher.accept(ScanState.EMPTY);
    server =
        MetricsServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            () -> ScanState.EMPTY,
            publisher,
            new MetricsServer.Events(receiver, metrics));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (metrics != null) {
      metrics.close();
    }
    if (database != null) {
      database.close();
    }
    if (postgres != null) {
      postgres.close(); // resumes it first
    }
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  /** A scrape, which must never wait on the database: 5 s is far beyond any in-memory answer. */
  Map<String, Double> scrape() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(uri("/metrics")).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return PromText.parse(response.body());
  }

  double pushes(Map<String, Double> metrics) {
    return metrics.getOrDefault(PromText.series("registry_events_total", "action", "push"), -1.0);
  }

  @Test
  void deliveriesFailWithinTheirDeadlineScrapesAnswerAndAllFlowsAgainAfter() throws Exception {
    Set<String> answered200 = ConcurrentHashMap.newKeySet();
    Map<String, String> refusedBodies = new ConcurrentHashMap<>();
    AtomicInteger refused = new AtomicInteger();
    AtomicInteger hung = new AtomicInteger();
    AtomicBoolean sending = new AtomicBoolean(true);
    Thread sender =
        new Thread(
            () -> {
              for (int n = 0; sending.get(); n++) {
                String id = "hung-" + n;
                String body =
                    new String(posts.get(n % posts.size()).body(), StandardCharsets.UTF_8)
                        .replaceFirst("\"id\": \"[^\"]+\"", "\"id\": \"" + id + "\"");
                try {
                  HttpResponse<String> response =
                      http.send(
                          HttpRequest.newBuilder(uri("/events"))
                              .header("Authorization", "Bearer " + TOKEN)
                              // Far beyond the 3 s call and 2 s connect deadlines: only a
                              // delivery that hangs takes this long.
                              .timeout(Duration.ofSeconds(30))
                              .POST(HttpRequest.BodyPublishers.ofString(body))
                              .build(),
                          HttpResponse.BodyHandlers.ofString());
                  if (response.statusCode() == 200) {
                    answered200.add(id);
                  } else {
                    refusedBodies.put(id, body);
                    refused.incrementAndGet();
                  }
                } catch (java.net.http.HttpTimeoutException e) {
                  hung.incrementAndGet();
                } catch (Exception e) {
                  refusedBodies.put(id, body);
                  refused.incrementAndGet();
                }
              }
            });
    sender.start();
    try {
      awaitUntil(() -> answered200.size() >= 100 && pushes(scrape()) > 0);
      double pushesBefore = pushes(scrape());

      postgres.pause();
      try {
        int refusedBefore = refused.get();
        // Deliveries answer 503 within their deadlines instead of hanging...
        awaitUntil(() -> refused.get() >= refusedBefore + 3);
        // ...every scrape answers at once with the last numbers, ten times over 10 s while the
        // background reading waits on the frozen server...
        for (int i = 0; i < 10; i++) {
          assertThat(pushes(scrape())).isGreaterThanOrEqualTo(pushesBefore);
          Thread.sleep(1000);
        }
        // ...and pruning gives up too.
        EventPruner pruner = new EventPruner(database, Duration.ofDays(30), Clock.systemUTC());
        assertThrows(
            SQLException.class,
            () -> assertTimeoutPreemptively(Duration.ofSeconds(30), pruner::prune));
      } finally {
        postgres.resume();
      }

      int storedBefore = answered200.size();
      awaitUntil(() -> answered200.size() > storedBefore + 50);
    } finally {
      sending.set(false);
      sender.join(60_000);
    }
    assertThat(hung.get()).as("deliveries that hung").isZero();
    assertThat(storedIds()).containsAll(answered200);
    // The registry sends every refused delivery again. One refused may still have been stored:
    // the frozen server had its whole transaction, COMMIT included, and ran it on thawing, after
    // the call's deadline had answered 503 (any database client can lose the answer to a
    // commit). Sent again it is a replay: stored once, counted once.
    for (Map.Entry<String, String> delivery : refusedBodies.entrySet()) {
      HttpResponse<String> again =
          http.send(
              HttpRequest.newBuilder(uri("/events"))
                  .header("Authorization", "Bearer " + TOKEN)
                  .timeout(Duration.ofSeconds(30))
                  .POST(HttpRequest.BodyPublishers.ofString(delivery.getValue()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(again.statusCode()).as(delivery.getKey()).isEqualTo(200);
    }
    Set<String> sent = new HashSet<>(answered200);
    sent.addAll(refusedBodies.keySet());
    assertThat(storedIds()).isEqualTo(sent);
    try (Connection c = database.connection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT SUM(events) FROM event_counts")) {
      r.next();
      assertThat(r.getLong(1)).as("events counted").isEqualTo(sent.size());
    }
    awaitUntil(() -> pushes(scrape()) > 0);
  }

  Set<String> storedIds() throws SQLException {
    Set<String> ids = new HashSet<>();
    try (Connection c = database.connection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT id FROM events")) {
      while (r.next()) {
        ids.add(r.getString(1));
      }
    }
    return ids;
  }

  interface Condition {
    boolean holds() throws Exception;
  }

  static void awaitUntil(Condition condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 60 s");
      }
      Thread.sleep(100);
    }
  }
}
