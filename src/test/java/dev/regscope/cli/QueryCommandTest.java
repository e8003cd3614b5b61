package dev.regscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.regscope.Main;
import dev.regscope.events.EnvelopeParser;
import dev.regscope.events.RegistryNames;
import dev.regscope.events.StoredManifests;
import dev.regscope.events.store.EventDatabase;
import dev.regscope.events.store.EventWriter;
import dev.regscope.sample.SampleRegistry;
import dev.regscope.testing.Notifications;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code regscope query} and serve's event options, through the command line. */
@Timeout(120)
class QueryCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private String replayedStore() throws Exception {
    String db = dir.resolve("events.db").toString();
    try (EventDatabase database = EventDatabase.open(db, null)) {
      EventWriter writer = new EventWriter(database, StoredManifests.NONE, Clock.systemUTC());
      EnvelopeParser parser = new EnvelopeParser(RegistryNames.IDENTITY);
      for (Notifications.Post post : Notifications.all()) {
        writer.store(parser.parse(post.body()));
      }
    }
    return db;
  }

  @Test
  void usageErrorsAreOneLineAndExitCode2() throws Exception {
    String db = replayedStore();
    assertThat(run("query", "images")).isEqualTo(2);
    assertThat(err.toString()).contains("query needs --events-db");
    assertThat(run("query", "stale", "--events-db", db)).isEqualTo(2);
    assertThat(err.toString()).contains("stale needs --not-pulled-for");
    assertThat(run("query", "old", "--events-db", db)).isEqualTo(2);
    assertThat(err.toString()).contains("old needs --older-than");
    assertThat(run("query", "popular", "--events-db", db)).isEqualTo(2);
    assertThat(err.toString())
        .contains("unknown query popular; known: images, stale, old, most-tagged");
    assertThat(run("query", "images", "--events-db", db, "--limit", "-1")).isEqualTo(2);
  }

  @Test
  void serveRefusesAnEventStoreWithoutAToken() throws Exception {
    Path storage = Files.createDirectories(dir.resolve("storage"));
    assertThat(
            run(
                "serve",
                "--port",
                "0",
                "--events-db",
                dir.resolve("e.db").toString(),
                storage.toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--events-db needs --events-token-file");
    Path empty = Files.writeString(dir.resolve("token"), "  \n");
    assertThat(
            run(
                "serve",
                "--port",
                "0",
                "--events-db",
                dir.resolve("e.db").toString(),
                "--events-token-file",
                empty.toString(),
                storage.toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--events-token-file " + empty + " is empty");
  }

  @Test
  void serveRefusesThePlaceholderTokenK8sEventsShipsNamingTheFile() throws Exception {
    Path storage = Files.createDirectories(dir.resolve("storage"));
    // The token as k8s/events/secret.yaml ships it, so that a renamed placeholder fails here.
    String shipped =
        new ObjectMapper(new YAMLFactory())
            .readTree(Path.of("k8s/events/secret.yaml").toFile())
            .path("stringData")
            .path("token")
            .asText();
    assertThat(shipped).isNotBlank();
    Path placeholder = Files.writeString(dir.resolve("token"), shipped + "\n");

    int exit =
        run(
            "serve",
            "--port",
            "0",
            "--events-db",
            dir.resolve("e.db").toString(),
            "--events-token-file",
            placeholder.toString(),
            storage.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString().lines().findFirst().orElse(""))
        .contains("--events-token-file " + placeholder + " holds the placeholder token");
    assertThat(Files.exists(dir.resolve("e.db"))).as("no store opened").isFalse();
  }

  @Test
  void tablesAndJsonListTheSameRowsAndStaleTakesSizesFromAScan() throws Exception {
    String db = replayedStore();
    assertThat(run("query", "deleted", "--events-db", db)).isZero();
    String[] lines = out.toString().strip().split("\n");
    assertThat(lines[0]).startsWith("KIND").contains("REPOSITORY", "DELETED_AT");
    assertThat(lines).hasSize(1 + 9);
    out.getBuffer().setLength(0);
    assertThat(run("query", "deleted", "--events-db", db, "--format", "json", "--limit", "3"))
        .isZero();
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json).hasSize(3);
    assertThat(json.get(0).get("kind").asText()).isEqualTo("blob");

    // The fixtures' repositories are not in the sample registry: a scan gives them no size.
    Path sample = dir.resolve("sample");
    SampleRegistry.write(sample, SampleRegistry.Spec.SMALL);
    out.getBuffer().setLength(0);
    assertThat(
            run(
                "query",
                "stale",
                "--events-db",
                db,
                "--not-pulled-for",
                "1d",
                "--storage",
                sample.toString(),
                "--format",
                "json"))
        .isZero();
    assertThat(new ObjectMapper().readTree(out.toString()).get(0).get("size_bytes").isNull())
        .isTrue();

    // A tag that is in the sample: its size is the one `regscope scan` reports for it.
    out.getBuffer().setLength(0);
    assertThat(run("scan", sample.toString(), "--format", "json")).isZero();
    JsonNode repository = new ObjectMapper().readTree(out.toString()).get("repositories").get(0);
    JsonNode tag = repository.get("tags").get(0);
    try (EventDatabase database = EventDatabase.open(db, null)) {
      new EventWriter(database, StoredManifests.NONE, Clock.systemUTC())
          .store(
              new EnvelopeParser(RegistryNames.IDENTITY)
                  .parse(
                      ("{\"events\": [{\"id\": \"sample-1\", \"timestamp\": "
                              + "\"2026-01-01T00:00:00Z\", \"action\": \"push\", \"target\": {\"repository\": \""
                              + repository.get("name").asText()
                              + "\", \"tag\": \""
                              + tag.get("name").asText()
                              + "\", \"digest\": \""
                              + tag.get("digest").asText()
                              + "\", \"url\": \"http://r/v2/x/manifests/y\"}}]}")
                          .getBytes()));
    }
    out.getBuffer().setLength(0);
    assertThat(
            run(
                "query",
                "stale",
                "--events-db",
                db,
                "--not-pulled-for",
                "1d",
                "--storage",
                sample.toString(),
                "--format",
                "json",
                "--limit",
                "1"))
        .isZero();
    JsonNode largest = new ObjectMapper().readTree(out.toString()).get(0);
    assertThat(largest.get("tag").asText()).isEqualTo(tag.get("name").asText());
    assertThat(largest.get("size_bytes").asLong())
        .isEqualTo(tag.get("sizeBytes").asLong())
        .isPositive();
  }
}
