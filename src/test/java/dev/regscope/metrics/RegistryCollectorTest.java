package dev.regscope.metrics;

import static dev.regscope.testing.PromText.series;
import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.core.Damage;
import dev.regscope.core.Digest;
import dev.regscope.model.BrokenTag;
import dev.regscope.model.PlatformStats;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.ScanFailure;
import dev.regscope.model.ScanProblem;
import dev.regscope.model.ScanState;
import dev.regscope.model.Snapshot;
import dev.regscope.model.TagStats;
import dev.regscope.testing.PromText;
import io.prometheus.client.CollectorRegistry;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The metric families a snapshot turns into, read back from the exposition text. */
class RegistryCollectorTest {
  private static final Digest D1 = new Digest("sha256", "a1");
  private static final Digest D2 = new Digest("sha256", "b2");

  private static Snapshot snapshot() {
    RepositoryStats app =
        new RepositoryStats(
            "team/app",
            5,
            List.of(
                new TagStats(
                    "v1",
                    D1,
                    "application/vnd.docker.distribution.manifest.v2+json",
                    3,
                    3000,
                    List.of()),
                new TagStats(
                    "multi",
                    D2,
                    "application/vnd.oci.image.index.v1+json",
                    4,
                    700,
                    List.of(
                        new PlatformStats("linux/amd64", 2, 500),
                        new PlatformStats("unknown/unknown", 2, 200)))),
            List.of(
                new BrokenTag("gone", Damage.MISSING_BLOB),
                new BrokenTag("bad", Damage.BAD_LINK),
                new BrokenTag("gone2", Damage.MISSING_BLOB)));
    RepositoryStats empty = new RepositoryStats("team/app/empty", 0, List.of(), List.of());
    return new Snapshot(
        Instant.parse("2026-11-26T12:00:00Z"),
        Duration.ofMillis(1500),
        List.of(app, empty),
        List.of(
            new ScanProblem(Path.of("/x/link"), Damage.BAD_LINK, "garbage"),
            new ScanProblem(Path.of("/x/data"), Damage.MISSING_BLOB, "missing"),
            new ScanProblem(Path.of("/y/data"), Damage.MISSING_BLOB, "missing")),
        2);
  }

  private static Map<String, Double> exposition(ScanState state) throws Exception {
    CollectorRegistry registry = new CollectorRegistry();
    registry.register(new RegistryCollector(() -> state));
    StringWriter out = new StringWriter();
    io.prometheus.client.exporter.common.TextFormat.write004(out, registry.metricFamilySamples());
    return PromText.parse(out.toString());
  }

  @Test
  void tagAndRepositorySeries() throws Exception {
    Map<String, Double> m = exposition(ScanState.EMPTY.after(snapshot()));

    assertThat(m)
        .containsEntry(series("repository_tags_total", "repository", "team/app"), 5.0)
        .containsEntry(series("repository_tags_total", "repository", "team/app/empty"), 0.0)
        .containsEntry(series("repository_revisions_total", "repository", "team/app"), 5.0)
        .containsEntry(
            series("repository_tag_layers_total", "repository", "team/app", "tag", "v1"), 3.0)
        .containsEntry(
            series("repository_tag_size_bytes", "repository", "team/app", "tag", "v1"), 3000.0)
        .containsEntry(
            series("repository_tag_layers_total", "repository", "team/app", "tag", "multi"), 4.0)
        .containsEntry(
            series(
                "repository_tag_platform_size_bytes",
                "repository",
                "team/app",
                "tag",
                "multi",
                "platform",
                "unknown/unknown"),
            200.0)
        .containsEntry(
            series(
                "repository_tag_platform_layers",
                "repository",
                "team/app",
                "tag",
                "multi",
                "platform",
                "linux/amd64"),
            2.0);
  }

  @Test
  void brokenTagsHaveNoLayerOrSizeSeriesButAreCountedByReason() throws Exception {
    Map<String, Double> m = exposition(ScanState.EMPTY.after(snapshot()));

    assertThat(m.keySet())
        .filteredOn(k -> k.contains("tag=\"gone\"") || k.contains("tag=\"bad\""))
        .allMatch(k -> k.startsWith("repository_tag_info{"))
        .hasSize(2);
    assertThat(m)
        .containsEntry(
            series("regscope_broken_tags", "repository", "team/app", "reason", "missing_blob"), 2.0)
        .containsEntry(
            series("regscope_broken_tags", "repository", "team/app", "reason", "bad_link"), 1.0);
  }

  @Test
  void scanHealthAndErrorCountersAccumulateAcrossScans() throws Exception {
    ScanState twice =
        ScanState.EMPTY
            .after(snapshot())
            .after(snapshot())
            .afterFailure(ScanFailure.READ_ERROR)
            .afterFailure(ScanFailure.TIMEOUT)
            .afterFailure(ScanFailure.TIMEOUT);

    Map<String, Double> m = exposition(twice);

    assertThat(m)
        .containsEntry(series("regscope_scan_errors_total", "reason", "missing_blob"), 4.0)
        .containsEntry(series("regscope_scan_errors_total", "reason", "bad_link"), 2.0)
        .containsEntry(series("regscope_scan_errors_total", "reason", "symlink"), 0.0)
        .containsEntry(series("regscope_scan_problems", "reason", "missing_blob"), 2.0)
        // Every reason from 0, so min_over_time() sees a cleared damage as 0, not as a gap.
        .containsEntry(series("regscope_scan_problems", "reason", "symlink"), 0.0)
        .containsEntry("regscope_scans_total", 2.0)
        .containsEntry(series("regscope_scan_failures_total", "reason", "read_error"), 1.0)
        .containsEntry(series("regscope_scan_failures_total", "reason", "timeout"), 2.0)
        .containsEntry(series("regscope_scan_failures_total", "reason", "storage_vanished"), 0.0)
        .containsEntry("regscope_scan_duration_seconds", 1.5)
        .containsEntry("regscope_scan_last_success_timestamp_seconds", 1795694400.0)
        .containsEntry("regscope_scan_repositories", 2.0)
        .containsEntry("regscope_scan_tags", 5.0)
        .containsEntry("regscope_scan_manifests", 2.0);
  }

  @Test
  void beforeTheFirstScanOnlyHealthSeriesExist() throws Exception {
    Map<String, Double> m = exposition(ScanState.EMPTY);

    assertThat(m.keySet()).noneMatch(k -> k.startsWith("repository_"));
    assertThat(m)
        .doesNotContainKey("regscope_scan_last_success_timestamp_seconds")
        .containsEntry("regscope_scans_total", 0.0);
  }

  @Test
  void registeringDoesNotCollect() {
    int[] calls = {0};
    new CollectorRegistry()
        .register(
            new RegistryCollector(
                () -> {
                  calls[0]++;
                  return ScanState.EMPTY;
                }));
    assertThat(calls[0]).isZero();
  }
}
