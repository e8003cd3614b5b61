package dev.regscope.hygiene;

import static dev.regscope.testing.HygieneScenario.APP;
import static dev.regscope.testing.HygieneScenario.BASE;
import static dev.regscope.testing.HygieneScenario.MULTI;
import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.metrics.SeriesFilter;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.Snapshot;
import dev.regscope.model.UploadStats;
import dev.regscope.scan.RepositoryFilter;
import dev.regscope.scan.Scanner;
import dev.regscope.storage.NioTreeReader;
import dev.regscope.storage.StorageLayout;
import dev.regscope.testing.GarbageCollector;
import dev.regscope.testing.GarbageCollector.Mode;
import dev.regscope.testing.GcExpectations;
import dev.regscope.testing.GcReport;
import dev.regscope.testing.HygieneScenario;
import dev.regscope.testing.PromText;
import dev.regscope.testing.RegistryProcess;
import dev.regscope.testing.Scans;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Repository filters change what is exported, never store-wide truth (issue 10, point 6): with
 * {@code --exclude-repository} or {@code --include-repository} the garbage-collection series and
 * the exclusive sizes of the repositories still exported are what they are unfiltered, and what the
 * real collector's dry runs say; the left-out repositories get no series.
 */
@Timeout(120)
class RepositoryFilterHygieneTest {
  @Test
  void filtersPickSeriesWhileGcAndExclusiveSizesStayTheCollectors(@TempDir Path dir)
      throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir)) {
      new HygieneScenario().pushAll(registry.client());
      GarbageCollector collector = GarbageCollector.of(registry);
      GcReport plain = collector.dryRun(registry, Mode.UNREFERENCED);
      GcReport correct =
          collector.dryRun(registry, Mode.UNTAGGED).untaggedKeepingIndexChildren(plain);

      Snapshot all = scan(registry, RepositoryFilter.ALL);
      Snapshot excluding =
          scan(
              registry,
              new RepositoryFilter(Optional.empty(), Optional.of(Pattern.compile("hygiene/app"))));
      Snapshot including =
          scan(
              registry,
              new RepositoryFilter(
                  Optional.of(Pattern.compile("hygiene/(base|multi)")), Optional.empty()));

      assertThat(names(all)).containsExactly(APP, BASE, MULTI);
      for (Snapshot filtered : new Snapshot[] {excluding, including}) {
        assertThat(names(filtered)).containsExactly(BASE, MULTI);
        // The left-out repository's upload is not exported either.
        assertThat(filtered.uploads()).extracting(UploadStats::repository).doesNotContain(APP);
        assertThat(filtered.store()).isEqualTo(all.store());
        assertThat(ForeignLayersTest.strings(filtered.store().unreferenced().blobs()))
            .isEqualTo(plain.eligibleBlobs());
        assertThat(ForeignLayersTest.strings(filtered.store().untagged().blobs()))
            .isEqualTo(correct.eligibleBlobs());
        for (RepositoryStats repository : filtered.repositories()) {
          assertThat(repository.hygiene().exclusiveSizeBytes())
              .as(repository.name())
              .isEqualTo(Scans.repository(all, repository.name()).hygiene().exclusiveSizeBytes())
              .isEqualTo(
                  GcExpectations.exclusiveBytes(plain, repository.name(), registry.storageRoot()));
        }
        assertThat(gcSeries(filtered)).isEqualTo(gcSeries(all)).isNotEmpty();
      }
      // The unfiltered scan agrees with the collector for every repository too.
      assertThat(Scans.repository(all, APP).hygiene().exclusiveSizeBytes())
          .isEqualTo(GcExpectations.exclusiveBytes(plain, APP, registry.storageRoot()));
    }
  }

  private static Snapshot scan(RegistryProcess registry, RepositoryFilter filter) throws Exception {
    return new Scanner(
            StorageLayout.locate(registry.storageRoot()),
            new NioTreeReader(),
            Scans.CLOCK,
            p -> {},
            2,
            filter)
        .scan();
  }

  private static java.util.List<String> names(Snapshot snapshot) {
    return snapshot.repositories().stream().map(RepositoryStats::name).toList();
  }

  /** The store-wide garbage-collection series of the exposition. */
  private static Map<String, Double> gcSeries(Snapshot snapshot) {
    Map<String, Double> gc = new TreeMap<>();
    PromText.of(snapshot, SeriesFilter.ALL)
        .forEach(
            (series, value) -> {
              if (series.startsWith("regscope_gc_reclaimable")
                  || series.startsWith("regscope_blobs")
                  || series.startsWith("regscope_gc_preview")) {
                gc.put(series, value);
              }
            });
    return gc;
  }
}
