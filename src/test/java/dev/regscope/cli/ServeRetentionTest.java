package dev.regscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.events.EnvelopeParser;
import dev.regscope.events.RegistryNames;
import dev.regscope.events.StoredManifests;
import dev.regscope.events.store.EventDatabase;
import dev.regscope.events.store.EventWriter;
import dev.regscope.sample.SampleRegistry;
import dev.regscope.testing.Notifications;
import dev.regscope.testing.PromText;
import dev.regscope.testing.RegscopeProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --events-retention}: pruning runs at start (the fixtures were recorded on
 * 2026-11-24, so an hour's retention prunes them all), and {@code 0} keeps everything.
 */
@Timeout(180)
class ServeRetentionTest {
  @TempDir Path dir;

  String storeWithTheFixtures(String name) throws Exception {
    String db = dir.resolve(name).toString();
    try (EventDatabase database = EventDatabase.open(db, null)) {
      EventWriter writer = new EventWriter(database, StoredManifests.NONE, Clock.systemUTC());
      EnvelopeParser parser = new EnvelopeParser(RegistryNames.IDENTITY);
      for (Notifications.Post post : Notifications.all()) {
        writer.store(parser.parse(post.body()));
      }
    }
    return db;
  }

  RegscopeProcess serve(String db, String retention) throws Exception {
    Path storage = dir.resolve("storage");
    if (!Files.exists(storage)) {
      SampleRegistry.write(storage, SampleRegistry.Spec.SMALL);
    }
    Path token = Files.writeString(dir.resolve("token"), "t\n");
    return RegscopeProcess.start(
        freePort(),
        storage,
        dir.resolve(retention + ".log"),
        "--events-db",
        db,
        "--events-token-file",
        token.toString(),
        "--events-retention",
        retention);
  }

  static long events(String db) throws Exception {
    try (EventDatabase database = EventDatabase.open(db, null);
        Connection c = database.connection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT COUNT(*) FROM events")) {
      r.next();
      return r.getLong(1);
    }
  }

  static Map<String, Double> scrape(RegscopeProcess regscope) throws Exception {
    return PromText.parse(
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(regscope.base() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  @Test
  void pruningRunsAtStartAndZeroKeepsEverything() throws Exception {
    String pruned = storeWithTheFixtures("pruned.db");
    long started = System.nanoTime();
    try (RegscopeProcess regscope = serve(pruned, "1h")) {
      while (events(pruned) > 0) {
        Thread.sleep(100);
      }
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      Map<String, Double> metrics = scrape(regscope);
      while (metrics.get("regscope_events_pruned_total") < 279) {
        Thread.sleep(100);
        metrics = scrape(regscope);
      }
      // What the events told stays: pulls are still counted.
      assertThat(metrics.get(PromText.series("repository_pulls_total", "repository", "ci/nightly")))
          .isEqualTo(22.0);

      String kept = storeWithTheFixtures("kept.db");
      try (RegscopeProcess keeping = serve(kept, "0")) {
        Thread.sleep(took.toMillis() + 2000); // longer than pruning took above
        assertThat(events(kept)).isEqualTo(279);
        assertThat(scrape(keeping).get("regscope_events_pruned_total")).isZero();
      }
    }
  }

  static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
