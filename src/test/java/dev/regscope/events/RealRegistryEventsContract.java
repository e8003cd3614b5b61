package dev.regscope.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regscope.Main;
import dev.regscope.testing.Blob;
import dev.regscope.testing.Image;
import dev.regscope.testing.ImageFactory;
import dev.regscope.testing.Platform;
import dev.regscope.testing.PromText;
import dev.regscope.testing.RecordingEndpoint;
import dev.regscope.testing.RegistryClient;
import dev.regscope.testing.RegistryProcess;
import dev.regscope.testing.RegscopeProcess;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real registry 2.8 notifies a real {@code regscope serve} (its own JVM): pushes, pulls, tag
 * moves and deletes arrive through real webhooks, and the queries answer from what arrived. A
 * second endpoint records what the registry sent, so "nothing lost, nothing doubled" is checked
 * against the registry, not against regscope.
 */
@Timeout(300)
abstract class RealRegistryEventsContract {
  static final String TOKEN = "s3cret-token";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  RecordingEndpoint recorder;
  RegistryProcess registry;
  RegscopeProcess regscope;
  RegistryClient client;
  String db;
  final ImageFactory images = new ImageFactory(new Random(11));

  /** When everything the registry sent was seen in the store, in epoch milliseconds. */
  long storedBy;

  /** Where the store lives: a SQLite path or a PostgreSQL URL. */
  abstract String database() throws Exception;

  /**
   * Whether the registry puts references in its events; without, regscope reads manifests from
   * storage.
   */
  abstract boolean includeReferences();

  @BeforeEach
  void start() throws Exception {
    db = database();
    int port = freePort();
    recorder = RecordingEndpoint.start();
    registry =
        RegistryProcess.start(
            RegistryProcess.binaryOrSkip(),
            dir.resolve("registry"),
            recorder.registryConfig(
                "http://127.0.0.1:" + port + "/events", TOKEN, includeReferences()));
    client = registry.client();
    Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    regscope =
        RegscopeProcess.start(
            port,
            registry.storageRoot(),
            dir.resolve("regscope.log"),
            "--events-db",
            db,
            "--events-token-file",
            tokenFile.toString(),
            // last pulls are not in the default families
            "--tag-metrics",
            "layers,size,pulled");
  }

  @AfterEach
  void stop() {
    if (regscope != null) {
      regscope.close();
    }
    if (registry != null) {
      registry.close();
    }
    if (recorder != null) {
      recorder.close();
    }
  }

  /** Pushes the image's blobs and manifest under {@code tag}; returns the manifest digest. */
  String push(String repo, Image image, String tag) {
    image.pushReferences(client, repo);
    return client.putManifest(repo, tag, image.manifest());
  }

  @Test
  void pushesPullsTagMovesAndDeletesArriveAndTheQueriesAnswer() throws Exception {
    Blob base = images.layer(3000);
    Image first = images.ociImage(new Platform("linux", "amd64", null), base, images.layer(1000));
    Image second = images.ociImage(new Platform("linux", "amd64", null), base, images.layer(2000));
    String a = push("team/app", first, "v1");
    client.putManifest("team/app", "latest", first.manifest());
    String b = push("team/app", second, "v2");
    client.getManifest("team/app", "v1"); // a pull by tag
    client.headManifest("team/app", "latest"); // a check: in use, nothing downloaded
    client.getManifest("team/app", b); // a pull by digest: every tag on b
    client.putManifest("team/app", "latest", second.manifest()); // latest moves a → b
    client.deleteManifest("team/app", a); // the registry also deletes v1, the last tag on a
    awaitEverythingStored();

    Map<String, List<String>> tags = new TreeMap<>();
    for (JsonNode row : query("images")) {
      tags.put(
          row.get("repository").asText() + ":" + row.get("tag").asText(),
          List.of(
              row.get("digest").asText(),
              row.get("pulled").isNull() ? "never" : "pulled",
              row.get("pulls").asText()));
    }
    assertThat(tags)
        .containsExactly(
            Map.entry(
                "team/app:latest", List.of(b, "never", "0")), // moved after its HEAD: starts over
            Map.entry("team/app:v2", List.of(b, "pulled", "1")));

    List<String> deleted = new ArrayList<>();
    query("deleted")
        .forEach(
            row ->
                deleted.add(
                    row.get("kind").asText()
                        + " "
                        + row.get("name").asText()
                        + " "
                        + row.get("digest").asText()));
    assertThat(deleted).containsExactlyInAnyOrder("manifest " + a + " " + a, "tag v1 " + a);

    // a's own layer and config stay linked in team/app until a garbage collection: orphans now. The
    // same
    // whether the event carried references or regscope read a's manifest from storage.
    Set<String> orphans = new TreeSet<>();
    query("orphan-blobs").forEach(row -> orphans.add(row.get("digest").asText()));
    assertThat(orphans)
        .containsExactlyInAnyOrderElementsOf(
            List.of(first.config().digest(), first.layers().get(1).digest()));
    assertThat(query("missing-blobs")).isEmpty();

    Map<String, Double> metrics = scrape();
    recorder
        .countByAction()
        .forEach(
            (action, count) ->
                assertThat(metrics.get(PromText.series("registry_events_total", "action", action)))
                    .as(action)
                    .isEqualTo(count.doubleValue()));
    // GETs of a manifest: v1 by tag and b by digest; the HEAD is not a download.
    assertThat(metrics.get(PromText.series("repository_pulls_total", "repository", "team/app")))
        .isEqualTo(2.0);
    assertThat(metrics)
        .containsKey(
            PromText.series(
                "repository_tag_last_pull_timestamp_seconds",
                "repository",
                "team/app",
                "tag",
                "v2"));
  }

  @Test
  void killedMidStreamAndRestartedTheStoreEndsWithExactlyTheEventsTheRegistrySent()
      throws Exception {
    Blob base = images.layer(500);
    for (int i = 0; i < 24; i++) {
      if (i == 8) {
        regscope.kill9(); // mid-stream: the registry keeps the undelivered events and retries
      }
      if (i == 14) {
        regscope.restart();
      }
      push(
          "stream/app",
          images.ociImage(new Platform("linux", "amd64", null), base, images.layer(100 + i)),
          "t" + i);
      client.getManifest("stream/app", "t" + i);
    }
    awaitEverythingStored();
    assertExactlyTheRecordedEvents();
    assertDeliveriesFailedAndWereRetried();
  }

  @Test
  void aPullWithAHostAndUserAgentPastTheOldColumnLimitsIsStoredAndTheEventsAfterItFlow()
      throws Exception {
    Image image = images.ociImage(new Platform("linux", "amd64", null), images.layer(700));
    push("poison/app", image, "v1");
    // The registry copies the request's Host and User-Agent into its event. PostgreSQL's
    // VARCHAR(255) and VARCHAR(1024) refused such an event for good: answered 503, it was retried
    // forever and held back every event after it.
    String host = "h".repeat(300) + ".example";
    String agent = "agent/" + "x".repeat(2000);
    assertThat(rawGet("/v2/poison/app/manifests/v1", host, agent)).startsWith("HTTP/1.1 200");
    client.getManifest("poison/app", "v1"); // an ordinary event after it
    awaitEverythingStored();

    assertExactlyTheRecordedEvents();
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery("SELECT user_agent, body FROM events WHERE user_agent LIKE 'agent/%'")) {
      assertThat(r.next()).as("the event of the long request").isTrue();
      assertThat(r.getString(1)).isEqualTo(agent);
      assertThat(r.getString(2)).contains(host);
      assertThat(r.next()).isFalse();
    }
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT COUNT(*) FROM rejected_events")) {
      r.next();
      assertThat(r.getLong(1)).as("events set aside").isZero();
    }
  }

  /** A GET with these Host and User-Agent headers, which Java's HTTP client will not send. */
  private String rawGet(String path, String host, String agent) throws IOException {
    URI base = registry.baseUri();
    try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(10_000);
      String request =
          "GET "
              + path
              + " HTTP/1.1\r\nHost: "
              + host
              + "\r\nUser-Agent: "
              + agent
              + "\r\nAccept: application/vnd.oci.image.manifest.v1+json\r\n"
              + "Connection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      return new String(
          socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
    }
  }

  /**
   * The fault really hit deliveries: the registry logged failed writes to regscope and retried
   * them.
   */
  void assertDeliveriesFailedAndWereRetried() throws IOException {
    String log = Files.readString(registry.logFile());
    assertThat(log).contains("retryingsink: error writing events");
  }

  /**
   * Waits until the store holds as many events as the recorder got, and the recorder has gone
   * quiet.
   */
  void awaitEverythingStored() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    int lastSeen = -1;
    long quietSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      int recorded = recorder.ids().size();
      if (recorded != lastSeen) {
        lastSeen = recorded;
        quietSince = System.nanoTime();
      }
      if (recorded > 0
          && storedIds().size() >= recorded
          && System.nanoTime() - quietSince > 1_500_000_000L) {
        storedBy = System.currentTimeMillis();
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "the store has "
            + storedIds().size()
            + " events, the registry sent "
            + recorder.ids().size()
            + "\n"
            + regscope.logTail()
            + "\n"
            + registry.logTail());
  }

  void assertExactlyTheRecordedEvents() throws SQLException {
    List<String> stored = storedIds();
    assertThat(new HashSet<>(stored)).hasSameSizeAs(stored); // nothing doubled
    assertThat(stored)
        .containsExactlyInAnyOrderElementsOf(recorder.ids()); // nothing lost, nothing else
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT SUM(events) FROM event_counts")) {
      r.next();
      assertThat(r.getLong(1)).isEqualTo(stored.size());
    }
  }

  List<String> storedIds() throws SQLException {
    List<String> ids = new ArrayList<>();
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT id FROM events")) {
      while (r.next()) {
        ids.add(r.getString(1));
      }
    } catch (SQLException e) {
      if (String.valueOf(e.getMessage()).contains("no such table")
          || String.valueOf(e.getMessage()).contains("does not exist")) {
        return ids; // not migrated yet
      }
      throw e;
    }
    return ids;
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(db.startsWith("jdbc:") ? db : "jdbc:sqlite:" + db);
  }

  /**
   * Runs {@code regscope query NAME --format json} through the command line, as an operator would.
   */
  JsonNode query(String name, String... more) throws IOException {
    List<String> args =
        new ArrayList<>(List.of("query", name, "--events-db", db, "--format", "json"));
    args.addAll(List.of(more));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
    assertThat(code).as("query %s: %s", name, err).isZero();
    return JSON.readTree(out.toString());
  }

  /**
   * The metrics, once regscope has read its store after everything was stored (it reads in the
   * background, never on a scrape).
   */
  Map<String, Double> scrape() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(regscope.base() + "/metrics")).build(),
                  HttpResponse.BodyHandlers.ofString());
      Map<String, Double> metrics = PromText.parse(response.body());
      Double readAt = metrics.get("regscope_events_store_read_timestamp_seconds");
      if ((readAt != null && readAt * 1000 >= storedBy) || System.nanoTime() > deadline) {
        return metrics;
      }
      Thread.sleep(100);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
