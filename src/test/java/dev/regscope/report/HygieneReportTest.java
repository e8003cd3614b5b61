package dev.regscope.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regscope.core.Damage;
import dev.regscope.core.Digest;
import dev.regscope.model.BrokenTag;
import dev.regscope.model.Reclaimable;
import dev.regscope.model.RepositoryHygiene;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.Snapshot;
import dev.regscope.model.StoreHygiene;
import dev.regscope.model.UploadStats;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the report selects and how it reads, from hand-built snapshots. */
class HygieneReportTest {
  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
  private static final Digest ORPHAN = new Digest("sha256", "0".repeat(64));

  private static RepositoryStats repository(
      String name, long exclusive, long untagged, long wouldBreak, BrokenTag... broken) {
    return new RepositoryStats(
        name,
        3,
        List.of(),
        List.of(broken),
        new RepositoryHygiene(exclusive * 2, exclusive, untagged, broken.length, wouldBreak));
  }

  private static Snapshot snapshot() {
    List<RepositoryStats> repositories = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      repositories.add(repository(String.format("team/r%02d", i), 1000L * (i + 1), i % 3, 0));
    }
    repositories.add(
        repository("team/multi", 10, 0, 2, new BrokenTag("gone", Damage.MISSING_BLOB)));
    StoreHygiene store =
        new StoreHygiene(
            100,
            5_000_000,
            new Reclaimable(List.of(ORPHAN), 2048),
            new Reclaimable(List.of(ORPHAN, ORPHAN), 4096),
            true);
    List<UploadStats> uploads =
        List.of(
            new UploadStats("team/r01", 2, 300, NOW.minus(Duration.ofDays(9))),
            new UploadStats("team/r02", 1, 10, NOW.minus(Duration.ofDays(1))),
            new UploadStats("team/r03", 1, 10, null));
    return new Snapshot(NOW, Duration.ofSeconds(1), repositories, List.of(), 5, store, uploads);
  }

  @Test
  void selectsTheTenLargestByExclusiveSizeTheBrokenAndTheStale() {
    HygieneReport report = HygieneReport.of(snapshot());

    assertThat(report.largest())
        .hasSize(10)
        .first()
        .extracting(RepositoryStats::name)
        .isEqualTo("team/r11");
    assertThat(report.largest())
        .extracting(RepositoryStats::name)
        .doesNotContain("team/r00", "team/r01", "team/multi");
    assertThat(report.brokenTags())
        .containsExactly(new HygieneReport.BrokenTagLine("team/multi", "gone", "missing_blob", ""));
    assertThat(report.staleUploads())
        .extracting(UploadStats::repository)
        .containsExactly("team/r01");
    assertThat(report.deleteUntaggedBrokenTags()).isEqualTo(2);
    assertThat(report.totals().untaggedManifests())
        .isEqualTo(0 + 1 + 2 + 0 + 1 + 2 + 0 + 1 + 2 + 0 + 1 + 2);
  }

  @Test
  void theTextShowsTheCommandsTheWarningAndTheDamage() {
    StringWriter text = new StringWriter();
    HygieneReportText.write(HygieneReport.of(snapshot()), new PrintWriter(text));

    assertThat(text.toString())
        .contains("13 repositories")
        .contains("registry garbage-collect /etc/docker/registry/config.yml")
        .contains("2.00 KiB in 1 blob ")
        .contains("--delete-untagged")
        .contains("it would break 2 tags")
        .contains("team/multi:gone  missing_blob")
        .contains("team/r01")
        .contains("oldest 9 days");
  }

  @Test
  void jsonCarriesEveryNumber() throws Exception {
    StringWriter text = new StringWriter();
    HygieneReportJson.write(HygieneReport.of(snapshot()), text);

    JsonNode json = new ObjectMapper().readTree(text.toString());
    assertThat(json.get("garbageCollection").get("unreferenced").get("bytes").asLong())
        .isEqualTo(2048);
    assertThat(json.get("garbageCollection").get("untagged").get("blobs").asInt()).isEqualTo(2);
    assertThat(json.get("garbageCollection").get("deleteUntaggedWouldBreakTags").asLong())
        .isEqualTo(2);
    assertThat(json.get("largestRepositories")).hasSize(10);
    assertThat(json.get("staleUploads").get(0).get("count").asInt()).isEqualTo(2);
    assertThat(json.get("totals").get("blobBytes").asLong()).isEqualTo(5_000_000);
  }
}
