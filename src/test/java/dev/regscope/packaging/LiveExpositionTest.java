package dev.regscope.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Prometheus's tools say of regscope as it runs: {@code promtool check metrics} on the real
 * expositions of a {@link LiveDeployment} (every family present), and a real Prometheus scraping it
 * that answers every expression of the dashboard and the rules with data.
 */
@Timeout(600)
class LiveExpositionTest {
  /** The older exporter's gauges, whose names dashboards depend on: the only findings allowed. */
  static final Set<String> ALLOWED =
      Set.of(
          "repository_tags_total non-counter metrics should not have \"_total\" suffix",
          "repository_tag_layers_total non-counter metrics should not have \"_total\" suffix",
          "repository_revisions_total non-counter metrics should not have \"_total\" suffix");

  @TempDir static Path dir;
  private static LiveDeployment live;

  @BeforeAll
  static void start() throws IOException {
    live = LiveDeployment.start(dir);
  }

  @AfterAll
  static void stop() {
    if (live != null) {
      live.close();
    }
  }

  @Test
  void promtoolCheckMetricsFindsOnlyTheOlderExportersThreeNames() throws IOException {
    Path promtool = ToolOrSkip.find("promtool");
    String storage = live.storageMetrics();
    String api = live.apiMetrics();
    // Every family has samples: damage, uploads, garbage collection, events, probes, the API.
    for (String family :
        List.of(
            "regscope_broken_tags{",
            "regscope_unpullable_tags{",
            "repository_missing_blobs{",
            "repository_uploads_in_progress{",
            "regscope_gc_reclaimable_bytes{",
            "repository_tag_platform_layers{",
            "repository_pulls_total{",
            "registry_events_total{",
            "registry_exporter_success{",
            "regscope_probe_duration_seconds_bucket{")) {
      assertThat(storage).as(family).contains(family);
    }
    assertThat(api).contains("regscope_api_requests_total{", "regscope_api_rate_limit_remaining{");

    List<String> findings = new ArrayList<>();
    for (var exposition : List.of(storage, api)) {
      Path file = Files.writeString(Files.createTempFile(dir, "exposition", ".txt"), exposition);
      ToolOrSkip.Run check =
          ToolOrSkip.run(dir, List.of(promtool.toString(), "check", "metrics"), file);
      check.output().lines().filter(line -> !line.isBlank()).forEach(findings::add);
    }
    assertThat(findings).as("promtool check metrics").isSubsetOf(ALLOWED).containsAll(ALLOWED);
  }
}
