package dev.regscope.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.core.Digest;
import dev.regscope.model.ApiHealth;
import dev.regscope.model.Coverage;
import dev.regscope.model.RepositoryHygiene;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.ScanState;
import dev.regscope.model.Snapshot;
import dev.regscope.model.StoreHygiene;
import dev.regscope.model.TagStats;
import dev.regscope.testing.PromText;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TargetsExpositionTest {
  private static ScanState state(String repository, String tag) {
    TagStats stats =
        new TagStats(
            tag,
            new Digest("sha256", "a".repeat(64)),
            "application/vnd.oci.image.manifest.v1+json",
            2,
            300,
            List.of());
    Snapshot snapshot =
        new Snapshot(
            Instant.parse("2026-11-30T00:00:00Z"),
            Duration.ofSeconds(1),
            List.of(
                new RepositoryStats(
                    repository,
                    0,
                    List.of(stats),
                    List.of(),
                    new RepositoryHygiene(300, 0, 0, 0, 0))),
            List.of(),
            1,
            StoreHygiene.NONE,
            List.of(),
            Coverage.TAGS);
    return ScanState.EMPTY
        .after(snapshot)
        .withApi(
            java.util.Optional.of(
                new ApiHealth(
                    Map.of(new ApiHealth.Request("HEAD", "200"), 1L),
                    Map.of(),
                    OptionalLong.empty(),
                    0)));
  }

  @Test
  void everyFamilyOnceAndEverySeriesLabelledByItsRegistry() throws IOException {
    TargetsExposition exposition = new TargetsExposition(SeriesFilter.ALL);
    exposition.publish("hub", state("library/alpine", "3.20"));
    exposition.publish("local", state("team/app", "v1"));

    Set<String> names = new HashSet<>();
    for (MetricFamilySamples family : exposition.families()) {
      assertThat(names.add(family.name)).as(family.name + " once").isTrue();
      for (Sample sample : family.samples) {
        if (!family.name.startsWith("regscope_targets_file_")) {
          assertThat(sample.labelNames.get(0)).isEqualTo("registry");
        }
      }
    }
    String text;
    try (InputStream in = exposition.get().open(false)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Map<String, Double> series = PromText.parse(text);
    assertThat(series)
        .containsEntry(
            PromText.series(
                "repository_tag_size_bytes",
                "registry",
                "hub",
                "repository",
                "library/alpine",
                "tag",
                "3.20"),
            300.0)
        .containsEntry(
            PromText.series(
                "regscope_api_requests_total",
                "registry",
                "local",
                "method",
                "HEAD",
                "code",
                "200"),
            1.0)
        .containsEntry("regscope_targets_file_last_reload_successful", 1.0);
    assertThat(text.lines().filter(l -> l.startsWith("# TYPE repository_tags_total "))).hasSize(1);

    exposition.reloaded(false);
    exposition.remove("hub");
    try (InputStream in = exposition.get().open(false)) {
      series = PromText.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    assertThat(series.keySet()).noneMatch(s -> s.contains("registry=\"hub\""));
    assertThat(series)
        .containsEntry("regscope_targets_file_last_reload_successful", 0.0)
        .containsEntry(
            PromText.series("regscope_targets_file_reloads_total", "result", "failure"), 1.0);
  }
}
