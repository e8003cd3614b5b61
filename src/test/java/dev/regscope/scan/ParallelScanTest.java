package dev.regscope.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.model.Snapshot;
import dev.regscope.sample.SampleRegistry;
import dev.regscope.storage.NioTreeReader;
import dev.regscope.storage.StorageLayout;
import dev.regscope.testing.Scans;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Threads change how fast a scan is, never what it finds; filters skip repositories entirely. */
class ParallelScanTest {
  @TempDir Path dir;

  private Snapshot scan(StorageLayout layout, int threads, RepositoryFilter filter)
      throws Exception {
    return new Scanner(layout, new NioTreeReader(), Scans.CLOCK, p -> {}, threads, filter).scan();
  }

  @Test
  void manyThreadsFindExactlyWhatOneThreadFinds() throws Exception {
    SampleRegistry.write(dir, new SampleRegistry.Spec(40, 12, 5, 3, 2048, true, 11));
    StorageLayout layout = StorageLayout.locate(dir);

    Snapshot one = scan(layout, 1, RepositoryFilter.ALL);
    Snapshot many = scan(layout, 8, RepositoryFilter.ALL);

    assertThat(one.tagCount()).isEqualTo(40 * 12);
    assertThat(one.problems()).isEmpty();
    assertThat(many.repositories()).isEqualTo(one.repositories());
    assertThat(many.manifests()).isEqualTo(one.manifests());
  }

  @Test
  void excludedRepositoriesAreNotScannedButTheirNestedIncludedOnesAre() throws Exception {
    SampleRegistry.write(dir, new SampleRegistry.Spec(4, 3, 2, 0, 1024, true, 3));
    StorageLayout layout = StorageLayout.locate(dir);

    Snapshot workersOnly =
        scan(
            layout,
            2,
            new RepositoryFilter(Optional.of(Pattern.compile(".*/worker")), Optional.empty()));
    Snapshot noWorkers =
        scan(
            layout,
            2,
            new RepositoryFilter(Optional.empty(), Optional.of(Pattern.compile(".*/worker"))));

    assertThat(workersOnly.repositories())
        .extracting(r -> r.name())
        .containsExactly("org-0/app-0/worker", "org-0/app-1/worker");
    assertThat(noWorkers.repositories())
        .extracting(r -> r.name())
        .containsExactly("org-0/app-0", "org-0/app-1");
  }
}
