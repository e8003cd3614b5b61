package dev.regscope.events.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.events.EnvelopeParser;
import dev.regscope.events.MalformedEventException;
import dev.regscope.events.RegistryNames;
import dev.regscope.events.StoredManifests;
import dev.regscope.events.store.EventQueries.Name;
import dev.regscope.events.store.EventQueries.Options;
import dev.regscope.testing.Notifications;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replays the 279 real notifications into a store and checks the stored state, event by event where
 * it matters. Every expectation is read off the fixture listing by hand (which POST pushed, pulled
 * or deleted what), not computed by regscope. Run against SQLite and PostgreSQL: the answers must
 * be the same.
 */
abstract class FixtureReplayContract {
  /** Two days after the fixtures were recorded. */
  static final Clock NOW = Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC);

  final List<Notifications.Post> posts = Notifications.all();
  EventDatabase database;
  EventWriter writer;
  EventQueries queries;

  abstract EventDatabase open() throws SQLException;

  @BeforeEach
  void openStore() throws SQLException {
    database = open();
    writer = new EventWriter(database, StoredManifests.NONE, NOW);
    queries = new EventQueries(database, NOW);
  }

  @AfterEach
  void closeStore() {
    database.close();
  }

  int replay() throws SQLException, MalformedEventException {
    EnvelopeParser parser = new EnvelopeParser(RegistryNames.IDENTITY);
    int stored = 0;
    for (Notifications.Post post : posts) {
      stored += writer.store(parser.parse(post.body())).total();
    }
    return stored;
  }

  Instant timestampOf(int seq) {
    return Instant.parse(Notifications.number(posts, seq).event().get("timestamp").asText())
        .truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
  }

  long count(String sql) throws SQLException {
    try (Connection c = database.connection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  /** Tag → digest prefix (12 hex), last pulled, pulls, of one repository. */
  Map<String, List<Object>> tags(String repository) throws SQLException {
    Map<String, List<Object>> tags = new TreeMap<>();
    for (List<Object> row :
        queries.run(Name.IMAGES, Options.ALL, EventQueries.TagSizes.NONE).rows()) {
      if (row.get(1).equals(repository)) {
        List<Object> values = new ArrayList<>();
        values.add(((String) row.get(3)).substring(7, 19));
        values.add(row.get(6));
        values.add(row.get(7));
        tags.put((String) row.get(2), values);
      }
    }
    return tags;
  }

  @Test
  void everyEventIsStoredOnceAndAReplayAddsNothing() throws Exception {
    assertThat(replay()).isEqualTo(279);
    assertThat(count("SELECT COUNT(*) FROM events")).isEqualTo(279);
    // Counted off the fixture listing: 144 pushes, 112 pulls (74 of them HEAD), 14 mounts, 9
    // deletes.
    assertThat(count("SELECT events FROM event_counts WHERE action = 'push'")).isEqualTo(144);
    assertThat(count("SELECT events FROM event_counts WHERE action = 'pull'")).isEqualTo(112);
    assertThat(count("SELECT events FROM event_counts WHERE action = 'mount'")).isEqualTo(14);
    assertThat(count("SELECT events FROM event_counts WHERE action = 'delete'")).isEqualTo(9);

    long tags = count("SELECT COUNT(*) FROM tags");
    long pulls = count("SELECT SUM(pulls) FROM tags");
    assertThat(replay()).isZero();
    dev.regscope.events.EventSink.Stored again =
        writer.store(new EnvelopeParser(RegistryNames.IDENTITY).parse(posts.get(7).body()));
    assertThat(again.total()).isZero();
    assertThat(again.replayed()).isEqualTo(1);
    assertThat(count("SELECT COUNT(*) FROM events")).isEqualTo(279);
    assertThat(count("SELECT SUM(events) FROM event_counts")).isEqualTo(279);
    assertThat(count("SELECT COUNT(*) FROM tags")).isEqualTo(tags);
    assertThat(count("SELECT SUM(pulls) FROM tags")).isEqualTo(pulls);
  }

  @Test
  void aDeliveryMixingAStoredEventWithNewOnesStoresTheNewOnesOnce() throws Exception {
    EnvelopeParser parser = new EnvelopeParser(RegistryNames.IDENTITY);
    for (Notifications.Post post : posts.subList(0, 10)) {
      writer.store(parser.parse(post.body()));
    }
    // The registry batches several events in one POST when it has a backlog; one of them was
    // stored before (a retry after a lost answer), the other two are new.
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode envelope = json.createObjectNode();
    envelope
        .putArray("events")
        .add(posts.get(5).event())
        .add(posts.get(10).event())
        .add(posts.get(11).event());
    dev.regscope.events.EventSink.Stored mixed =
        writer.store(parser.parse(json.writeValueAsBytes(envelope)));
    assertThat(mixed.total()).isEqualTo(2);
    assertThat(mixed.replayed()).isEqualTo(1);
    assertThat(count("SELECT COUNT(*) FROM events")).isEqualTo(12);
    assertThat(count("SELECT SUM(events) FROM event_counts")).isEqualTo(12);
    // The rest arrives as sent: the whole fixture ends as if each event had come once.
    assertThat(replay()).isEqualTo(279 - 12);
    assertThat(count("SELECT events FROM event_counts WHERE action = 'push'")).isEqualTo(144);
    assertThat(count("SELECT events FROM event_counts WHERE action = 'pull'")).isEqualTo(112);
  }

  @Test
  void tagsFollowPushesMovesAndDeletes() throws Exception {
    replay();
    // apps/web: latest moved d471f4e5 → a63637b5 (0045); v0.9-broken, rc1, rc1-alias deleted (0052,
    // 0061, 0062).
    Map<String, List<Object>> web = tags("apps/web");
    assertThat(web.keySet())
        .containsExactly("latest", "prod", "stable", "v1.0.0", "v1.0.1", "v1.1.0");
    assertThat(web.get("latest").get(0)).isEqualTo("a63637b5ed7c");
    assertThat(web.get("v1.0.1").get(0)).isEqualTo("f1a911ad4906");
    // ci/nightly: nightly moved e05498e6 → 529df77f (0236) → 0b586324 (0241)
    assertThat(tags("ci/nightly").get("nightly").get(0)).isEqualTo("0b586324fa03");
    assertThat(tags("ci/nightly")).hasSize(31);
    assertThat(tags("tmp/scratch")).isEmpty();
  }

  @Test
  void pullsByTagUpdateThatTagAndHeadsMarkUseWithoutCountingADownload() throws Exception {
    replay();
    Map<String, List<Object>> web = tags("apps/web");
    // v1.1.0 pulled by GET at 0036 and 0038; stable, pushed on the same digest at 0037, was not
    // pulled by name.
    assertThat(web.get("v1.1.0").subList(1, 3)).containsExactly(timestampOf(38), 2L);
    assertThat(web.get("stable").subList(1, 3)).containsExactly(null, 0L);
    // latest moved at 0045 to a manifest pulled before only as v1.1.0: a moved tag starts with no
    // pulls.
    assertThat(web.get("latest").subList(1, 3)).containsExactly(null, 0L);
    Map<String, List<Object>> alpine = tags("base/alpine");
    assertThat(alpine.get("3.19").subList(1, 3)).containsExactly(timestampOf(263), 2L);
    assertThat(alpine.get("latest").subList(1, 3))
        .containsExactly(timestampOf(266), 0L); // HEAD at 0266
    assertThat(alpine.get("3.18").subList(1, 3)).containsExactly(null, 0L);
    assertThat(count("SELECT pulls FROM repositories WHERE repository = 'base/alpine'"))
        .isEqualTo(2);
    // ci/nightly: GETs at every other POST from 0188 to 0230; the HEAD at 0242 is not a download.
    assertThat(count("SELECT pulls FROM repositories WHERE repository = 'ci/nightly'"))
        .isEqualTo(22);
  }

  @Test
  void aPullByDigestIsAPullOfEveryTagOnThatDigest() throws Exception {
    replay();
    // eb959096 was tagged build-001 (0152), build-009 (0189), build-017 (0205), build-025 (0221)
    // and pulled by
    // digest at 0188, 0204 and 0220, each time before the next tag was pushed.
    Map<String, List<Object>> nightly = tags("ci/nightly");
    assertThat(nightly.get("build-001").subList(1, 3)).containsExactly(timestampOf(220), 3L);
    assertThat(nightly.get("build-009").subList(1, 3)).containsExactly(timestampOf(220), 2L);
    assertThat(nightly.get("build-017").subList(1, 3)).containsExactly(timestampOf(220), 1L);
    assertThat(nightly.get("build-025").subList(1, 3)).containsExactly(null, 0L);
  }

  @Test
  void deletesLeaveAnAuditTrailToldApartIntoTagsManifestsAndBlobs() throws Exception {
    replay();
    List<List<Object>> deleted =
        queries.run(Name.DELETED, Options.ALL, EventQueries.TagSizes.NONE).rows();
    List<String> kinds =
        deleted.stream()
            .map(
                r ->
                    r.get(0)
                        + " "
                        + r.get(2)
                        + " "
                        + ((String) r.get(3)).replaceFirst("sha256:(.{12}).*", "$1"))
            .sorted()
            .toList();
    assertThat(kinds)
        .containsExactly(
            "blob orphans/blob-only c9dbda1cf3c5",
            "manifest apps/web 3983aaaaecfe",
            "manifest apps/web ed8a1e730b89",
            "manifest ci/nightly e05498e68024",
            "manifest tmp/scratch 20cb8b560a84",
            "tag apps/web rc1",
            "tag apps/web rc1-alias",
            "tag apps/web v0.9-broken",
            "tag tmp/scratch only");
    assertThat(deleted.get(0).get(5)).isEqualTo(timestampOf(262)); // newest first
    assertThat(
            count(
                "SELECT COUNT(*) FROM deleted_tags WHERE tag = 'rc1' AND digest LIKE 'sha256:ed8a1e730b89%'"))
        .isEqualTo(1);
    assertThat(count("SELECT COUNT(*) FROM manifests WHERE digest LIKE 'sha256:e05498e68024%'"))
        .isZero();
    assertThat(
            count("SELECT COUNT(*) FROM manifest_blob WHERE manifest LIKE 'sha256:e05498e68024%'"))
        .isZero();
  }

  @Test
  void queriesAnswerStaleOldAndMostTagged() throws Exception {
    replay();
    // Pulled or pushed on 2026-11-24, now is 2026-11-26: everything is stale after a day, nothing
    // after three.
    assertThat(
            queries
                .run(Name.STALE, new Options(null, Duration.ofDays(1), 0, null), (r, t) -> null)
                .rows())
        .hasSize((int) count("SELECT COUNT(*) FROM tags"));
    assertThat(
            queries
                .run(Name.STALE, new Options(null, Duration.ofDays(3), 0, null), (r, t) -> null)
                .rows())
        .isEmpty();
    QueryResult stale =
        queries.run(
            Name.STALE,
            new Options(null, Duration.ofDays(1), 2, null),
            (repository, tag) ->
                repository.equals("apps/web") && tag.equals("v1.0.0")
                    ? Long.valueOf(5)
                    : repository.equals("ci/nightly") && tag.equals("build-003")
                        ? Long.valueOf(9)
                        : null);
    assertThat(stale.rows())
        .extracting(r -> r.get(2) + "=" + r.get(4))
        .containsExactly("build-003=9", "v1.0.0=5");
    assertThat(
            queries
                .run(Name.OLD, new Options(Duration.ofDays(1), null, 3, null), (r, t) -> null)
                .rows())
        .extracting(r -> r.get(1) + ":" + r.get(2))
        .containsExactly("base/alpine:3.18", "base/alpine:3.19", "base/alpine:latest");
    // Four tags is the most: apps/web's a63637b5 (v1.1.0, stable, prod, latest), ci/nightly's
    // 0b586324
    // (build-008, -016, -024, nightly since 0241) and eb959096 (four builds); ties go by
    // repository, then digest.
    List<List<Object>> most =
        queries.run(Name.MOST_TAGGED, new Options(null, null, 2, null), null).rows();
    assertThat(most)
        .extracting(r -> ((String) r.get(2)).substring(7, 19) + "=" + r.get(3))
        .containsExactly("a63637b5ed7c=4", "0b586324fa03=4");
    assertThat(most.get(0).get(4)).isEqualTo("latest,prod,stable,v1.1.0");
    assertThat(most.get(1).get(4)).isEqualTo("build-008,build-016,build-024,nightly");
  }

  @Test
  void orphanBlobsAreLayersNoStoredManifestOfTheirRepositoryReferences() throws Exception {
    replay();
    List<String> orphans =
        queries.run(Name.ORPHAN_BLOBS, Options.ALL, null).rows().stream()
            .map(r -> r.get(1) + " " + ((String) r.get(2)).substring(7, 19))
            .sorted()
            .toList();
    // The config and layer of each deleted manifest stay linked; orphans/blob-only had a blob
    // pushed alone.
    assertThat(orphans)
        .containsExactly(
            "apps/web 079d32776365",
            "apps/web 646af45477ea",
            "apps/web a0b97db325d3",
            "apps/web cef0de4c2215",
            "ci/nightly 5262b4d8b523",
            "ci/nightly b885c384df50",
            "orphans/blob-only 1576add2e98b",
            "tmp/scratch 02817489ea8d",
            "tmp/scratch c527c5cb4471");
  }

  @Test
  void missingBlobsAreReferencesNeverPushedOrDeletedSince() throws Exception {
    replay();
    assertThat(queries.run(Name.MISSING_BLOBS, Options.ALL, null).rows()).isEmpty();
    String never = "sha256:" + "1".repeat(64);
    String gone = "sha256:" + "2".repeat(64);
    String manifest = "sha256:" + "3".repeat(64);
    EnvelopeParser parser = new EnvelopeParser(RegistryNames.IDENTITY);
    writer.store(parser.parse(event("m1", "push", "blobs", gone, null, "").getBytes()));
    writer.store(parser.parse(event("m2", "delete", null, gone, null, "").getBytes()));
    writer.store(
        parser.parse(
            event(
                    "m3",
                    "push",
                    "manifests",
                    manifest,
                    "v1",
                    ", \"references\": ["
                        + "{\"mediaType\": \"application/vnd.oci.image.layer.v1.tar+gzip\", \"size\": 10, \"digest\": \""
                        + never
                        + "\"}, {\"mediaType\": \"application/vnd.oci.image.layer.v1.tar+gzip\", \"size\": 20, \"digest\": \""
                        + gone
                        + "\"}, {\"mediaType\": \"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip\","
                        + " \"size\": 30, \"digest\": \"sha256:"
                        + "4".repeat(64)
                        + "\"}]")
                .getBytes()));
    assertThat(queries.run(Name.MISSING_BLOBS, Options.ALL, null).rows())
        .extracting(r -> r.get(3) + " " + r.get(6))
        .containsExactly(never + " never pushed", gone + " deleted");
  }

  /**
   * Bytes per repository read off the fixture listing: blob GETs (not HEADs) and blob PUTs (not
   * mounts), never manifests. Pulls: 0264 611 + 0265 155386 (base/alpine); 0269 619 + 0270 131498
   * (multi/oci-index); 0273 619 + 0274 211960 (multi/docker-list); 0276 331743 + 0277 10875 + 0278
   * 97577 + 0279 771 (apps/web). Pushes: apps/web 0015 331743, 0016 10875, 0017 771, 0021 10224,
   * 0022 591, 0023 930, 0027 21278, 0028 609, 0032 69548, 0033 7528012, 0034 925, 0047 17997, 0048
   * 617, 0054 9918, 0055 611; base/alpine 0001 97577, 0002 462, 0004 155386, 0005 32, 0006 611,
   * 0010 236, 0011 186; ci/nightly 0144 156695, 0145 8887, 0146 777, 0150 3552, 0155 4629, 0160
   * 7840, 0165 7302, 0170 9070, 0175 8644, 0180 14304, 0185 12264 and 773 at each of 0151, 0156,
   * 0161, 0166, 0171, 0176, 0181, 0186; multi/oci-index 0084 211960, 0085 25514, 0086 619, 0088
   * 131498, 0090 619, 0092 69331, 0094 632; and so on below.
   */
  static final Map<String, Long> PULL_BYTES =
      Map.of(
          "apps/web", 440_966L,
          "base/alpine", 155_997L,
          "multi/docker-list", 212_579L,
          "multi/oci-index", 132_117L);

  static final Map<String, Long> PUSH_BYTES =
      Map.ofEntries(
          Map.entry("apps/web", 8_004_649L),
          Map.entry("artifacts/chart", 1_250L), // 0250 1194, 0251 56
          Map.entry("base/alpine", 254_490L),
          Map.entry("ci/nightly", 240_148L),
          Map.entry("edge/dup-layers", 6_604L), // 0255 2552, 0257 3144, 0258 908
          Map.entry(
              "multi/buildx-attest", 2_308L), // 0105 619, 0110 619, 0115 632, 0117 271, 0118 167
          Map.entry("multi/docker-list", 1_238L), // 0125 619, 0130 619
          Map.entry("multi/oci-index", 440_173L),
          Map.entry("nested/a", 2_676L), // 0065 2063, 0066 613
          Map.entry("nested/a/b/c", 8_042L), // 0070 3322, 0071 620, 0074 3480, 0075 620
          Map.entry("org/team/project/service", 31_824L), // 0081 31215, 0082 609
          Map.entry("orphans/blob-only", 9_216L), // 0260 8192, 0261 1024
          Map.entry("tmp/scratch", 1_417L)); // 0244 959, 0245 458

  /** The event metrics as a scrape shows them, read from the store now. */
  Map<String, Double> metrics() throws Exception {
    java.io.StringWriter text = new java.io.StringWriter();
    io.prometheus.client.exporter.common.TextFormat.write004(
        text,
        java.util.Collections.enumeration(
            dev.regscope.metrics.EventFamilies.store(
                new EventStatistics(database, null).read(),
                NOW.millis(),
                dev.regscope.scan.RepositoryFilter.ALL,
                dev.regscope.metrics.SeriesFilter.ALL)));
    return dev.regscope.testing.PromText.parse(text.toString());
  }

  static Map<String, Double> series(Map<String, Double> metrics, String name) {
    Map<String, Double> values = new TreeMap<>();
    String prefix = name + "{repository=\"";
    metrics.forEach(
        (series, value) -> {
          if (series.startsWith(prefix) && value != 0) {
            values.put(series.substring(prefix.length(), series.length() - 2), value);
          }
        });
    return values;
  }

  static Map<String, Double> doubles(Map<String, Long> values) {
    Map<String, Double> doubles = new TreeMap<>();
    values.forEach((k, v) -> doubles.put(k, v.doubleValue()));
    return doubles;
  }

  @Test
  void trafficIsTheSizeOfBlobGetsAndBlobPushesCountedByHand() throws Exception {
    replay();
    Map<String, Double> metrics = metrics();
    assertThat(series(metrics, "repository_pull_bytes_total")).isEqualTo(doubles(PULL_BYTES));
    assertThat(series(metrics, "repository_push_bytes_total")).isEqualTo(doubles(PUSH_BYTES));
    // A redelivery moves nothing.
    replay();
    assertThat(series(metrics(), "repository_pull_bytes_total")).isEqualTo(doubles(PULL_BYTES));
  }

  @Test
  void queryTrafficListsRepositoriesByBytesServedFromTheDailyRollup() throws Exception {
    replay();
    // Recorded on 2026-11-24; now is 2026-11-26T12:00Z: a day back starts on the 25th.
    assertThat(
            queries
                .run(Name.TRAFFIC, new Options(null, null, 0, null, Duration.ofDays(1)), null)
                .rows())
        .isEmpty();
    QueryResult traffic =
        queries.run(Name.TRAFFIC, new Options(null, null, 0, null, Duration.ofDays(3)), null);
    assertThat(traffic.columns())
        .containsExactly(
            "registry", "repository", "pulled_bytes", "pulls", "pushed_bytes", "pushes");
    List<String> rows =
        traffic.rows().stream()
            .map(r -> r.get(1) + " " + r.get(2) + " " + r.get(3) + " " + r.get(4) + " " + r.get(5))
            .toList();
    // Most bytes served first. Pulls are manifest GETs: apps/web 0036, 0038, 0057, 0275;
    // multi/docker-list 0271, 0272; base/alpine 0008, 0263; multi/oci-index 0097, 0099, 0267, 0268.
    // Pushes are manifest PUTs.
    assertThat(rows.subList(0, 4))
        .containsExactly(
            "apps/web 440966 4 8004649 10",
            "multi/docker-list 212579 2 1238 6",
            "base/alpine 155997 2 254490 4",
            "multi/oci-index 132117 4 440173 6");
    assertThat(rows.get(4)).isEqualTo("ci/nightly 0 22 240148 33");
    assertThat(traffic.rows()).hasSize(13);
    assertThat(traffic.rows().stream().mapToLong(r -> (Long) r.get(3)).sum())
        .isEqualTo(35); // manifest GETs in the listing
    assertThat(traffic.rows().stream().mapToLong(r -> (Long) r.get(5)).sum())
        .isEqualTo(72); // manifest PUTs in the listing
  }

  @Test
  void theStoreSaysItsSizeAndItsOldestEvent() throws Exception {
    replay();
    Map<String, Double> metrics = metrics();
    assertThat(metrics.get("regscope_events_store_size_bytes")).isPositive();
    assertThat(metrics.get("regscope_events_oldest_timestamp_seconds"))
        .isEqualTo(timestampOf(1).toEpochMilli() / 1000.0);
  }

  /** A minimal event of repository {@code test/missing}, as the registry would send it. */
  static String event(
      String id, String action, String kind, String digest, String tag, String extra) {
    return "{\"events\": [{\"id\": \""
        + id
        + "\", \"timestamp\": \"2026-11-25T10:00:00Z\", \"action\": \""
        + action
        + "\", \"target\": {\"repository\": \"test/missing\", \"digest\": \""
        + digest
        + "\""
        + (kind == null
            ? ""
            : ", \"mediaType\": \"application/octet-stream\", \"url\": \"http://r/v2/test/missing/"
                + kind
                + "/"
                + digest
                + "\"")
        + (tag == null ? "" : ", \"tag\": \"" + tag + "\"")
        + extra
        + "}, \"request\": {\"host\": \"127.0.0.1:54809\", \"method\": \"PUT\"}}]}";
  }
}
