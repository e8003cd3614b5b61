package dev.regscope.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.model.PlatformStats;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.Snapshot;
import dev.regscope.model.TagStats;
import dev.regscope.storage.NioTreeReader;
import dev.regscope.storage.StorageLayout;
import dev.regscope.testing.PlatformTruth;
import dev.regscope.testing.RegistryProcess;
import dev.regscope.testing.RegistryTruth;
import dev.regscope.testing.SampleRegistryScenario;
import dev.regscope.testing.SampleRegistryScenario.DeletedManifest;
import dev.regscope.testing.SampleRegistryScenario.Pushed;
import dev.regscope.testing.Scans;
import dev.regscope.testing.TagTruth;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Distribution registry (Debian's docker-registry 2.8) stores images pushed over its HTTP
 * API; regscope scans the storage folder and must agree, tag by tag, with what the running registry
 * answers over HTTP.
 */
@Timeout(300)
class RealRegistryScanTest {
  @Test
  void everyTagMatchesWhatTheRegistryAnswers(@TempDir Path dir) throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir)) {
      Pushed pushed = new SampleRegistryScenario().pushAll(registry.client());
      RegistryTruth truth = RegistryTruth.read(registry.client());

      Snapshot snapshot =
          new Scanner(
                  StorageLayout.locate(registry.storageRoot()),
                  new NioTreeReader(),
                  Scans.CLOCK,
                  p -> {})
              .scan();

      assertThat(snapshot.problems()).isEmpty();
      Map<String, Map<String, TagTruth>> tagged = new TreeMap<>();
      truth.repositories().forEach((repo, tags) -> tagged.put(repo, tags));
      assertThat(snapshot.repositories())
          .extracting(RepositoryStats::name)
          .containsExactlyElementsOf(tagged.keySet());
      int compared = 0;
      for (RepositoryStats repository : snapshot.repositories()) {
        Map<String, TagTruth> expectedTags = tagged.get(repository.name());
        assertThat(repository.brokenTags()).as(repository.name()).isEmpty();
        assertThat(repository.tags())
            .extracting(TagStats::name)
            .as(repository.name())
            .containsExactlyInAnyOrderElementsOf(expectedTags.keySet());
        for (TagStats tag : repository.tags()) {
          TagTruth expected = expectedTags.get(tag.name());
          String where = repository.name() + ":" + tag.name();
          assertThat(tag.digest().toString()).as(where).isEqualTo(expected.digest());
          assertThat(tag.mediaType()).as(where).isEqualTo(expected.mediaType());
          assertThat(tag.layers()).as(where + " layers").isEqualTo(expected.layers());
          assertThat(tag.sizeBytes()).as(where + " size").isEqualTo(expected.sizeBytes());
          assertThat(tag.platforms())
              .as(where + " platforms")
              .isEqualTo(byPlatform(expected.platforms()));
          compared++;
        }
      }
      assertThat(compared).isGreaterThanOrEqualTo(10);
      for (DeletedManifest deleted : pushed.deleted()) {
        RepositoryStats repository = Scans.repository(snapshot, deleted.repo());
        assertThat(repository.tags())
            .extracting(TagStats::name)
            .doesNotContainAnyElementsOf(deleted.removedTags());
        assertThat(repository.tags())
            .noneMatch(t -> t.digest().toString().equals(deleted.digest()));
      }
      assertThat(snapshot.repositories())
          .extracting(RepositoryStats::name)
          .doesNotContainAnyElementsOf(pushed.untaggedRepos());
    }
  }

  /** The registry's answer per child, summed per platform as regscope's contract says. */
  private static List<PlatformStats> byPlatform(List<PlatformTruth> children) {
    Map<String, long[]> sums = new TreeMap<>();
    for (PlatformTruth child : children) {
      long[] sum = sums.computeIfAbsent(child.platform(), p -> new long[2]);
      sum[0] += child.layers();
      sum[1] += child.sizeBytes();
    }
    List<PlatformStats> platforms = new ArrayList<>();
    sums.forEach((platform, sum) -> platforms.add(new PlatformStats(platform, sum[0], sum[1])));
    return platforms;
  }
}
