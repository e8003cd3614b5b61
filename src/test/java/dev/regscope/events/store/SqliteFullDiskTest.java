package dev.regscope.events.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.events.EnvelopeParser;
import dev.regscope.events.EventReceiver;
import dev.regscope.events.RegistryNames;
import dev.regscope.events.StoredManifests;
import dev.regscope.testing.LogCapture;
import dev.regscope.testing.Notifications;
import dev.regscope.testing.SmallVolume;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SQLite store on a small volume of its own (a tmpfs with a size limit) filled for real: a full
 * disk is said as such, naming the store's file (SQLite itself says "cannot commit - no transaction
 * is active"), nothing answered 200 is lost, and once space is freed the WAL gives back what it
 * took instead of keeping the volume full.
 */
@Timeout(120)
class SqliteFullDiskTest {
  static final String TOKEN = "t";

  @TempDir Path dir;
  SmallVolume volume;
  Path db;
  EventDatabase database;
  EventReceiver receiver;
  final List<Notifications.Post> posts = Notifications.all();
  final List<String> answered200 = new ArrayList<>();
  int sent;

  @BeforeEach
  void openOnASmallVolume() throws Exception {
    volume = SmallVolume.mount(dir.resolve("volume"), 4 << 20);
    db = volume.root().resolve("events.db");
    database = EventDatabase.open(db.toString(), null);
    receiver =
        new EventReceiver(
            TOKEN,
            new EnvelopeParser(RegistryNames.IDENTITY),
            new EventWriter(database, StoredManifests.NONE, Clock.systemUTC()));
  }

  @AfterEach
  void close() {
    if (database != null) {
      database.close();
    }
    if (volume != null) {
      volume.close();
    }
  }

  /** The next fixture event with an id of its own; remembered when answered 200. */
  EventReceiver.Answer deliverNext() {
    String id = "full-" + sent;
    String body =
        new String(posts.get(sent % posts.size()).body(), StandardCharsets.UTF_8)
            .replaceFirst("\"id\": \"[^\"]+\"", "\"id\": \"" + id + "\"");
    EventReceiver.Answer answer =
        receiver.receive("Bearer " + TOKEN, body.getBytes(StandardCharsets.UTF_8));
    if (answer.status() == 200) {
      answered200.add(id);
      sent++;
    }
    return answer;
  }

  /** Delivers until the store refuses; returns the refusal. */
  EventReceiver.Answer deliverUntilRefused() {
    for (int i = 0; i < 100_000; i++) {
      EventReceiver.Answer answer = deliverNext();
      if (answer.status() != 200) {
        return answer;
      }
    }
    throw new AssertionError("the volume never filled");
  }

  Set<String> storedIds() throws Exception {
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

  long walBytes() throws Exception {
    Path wal = db.resolveSibling("events.db-wal");
    return Files.exists(wal) ? Files.size(wal) : 0;
  }

  @Test
  void aFullDiskAnswers503NamingTheFileAndNothingAnswered200IsLost() throws Exception {
    Path filler = volume.fill("filler", 1 << 20);
    EventReceiver.Answer refused;
    try (LogCapture log = LogCapture.start()) {
      refused = deliverUntilRefused();
      assertThat(log.warnings()).anyMatch(l -> l.contains("answered 503"));
    }
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.message())
        .startsWith("event store unavailable: the disk of the event store " + db + " is full")
        .doesNotContain("cannot commit");
    assertThat(answered200).isNotEmpty();

    Files.delete(filler); // the operator frees space
    for (int i = 0; i < 50; i++) {
      EventReceiver.Answer answer = deliverNext();
      assertThat(answer.status()).as(answer.message()).isEqualTo(200);
    }
    assertThat(storedIds()).containsExactlyInAnyOrderElementsOf(answered200);
  }

  @Test
  void onceSpaceIsFreedTheWalGivesItBack() throws Exception {
    Path filler = volume.fill("filler", 1 << 20);
    long fillerBytes = Files.size(filler);
    assertThat(deliverUntilRefused().status()).isEqualTo(503);
    long walWhenFull = walBytes();

    Files.delete(filler);
    assertThat(deliverNext().status()).isEqualTo(200);

    // The WAL was checkpointed into the database and cut back: the volume keeps the freed space
    // (the WAL held hundreds of KiB before, and kept them with the volume full again soon).
    assertThat(walBytes()).as("WAL bytes, %d when full", walWhenFull).isLessThan(64 << 10);
    assertThat(volume.usable()).isGreaterThan(fillerBytes - (256 << 10));
  }
}
