package dev.regscope.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.hash.Hashing;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.Snapshot;
import dev.regscope.model.TagStats;
import dev.regscope.scan.Scanner;
import dev.regscope.storage.NioTreeReader;
import dev.regscope.storage.StorageLayout;
import dev.regscope.testing.Scans;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The synthetic tree looks like one registry 2.8 writes, and re-pushing moves tags. */
class SampleRegistryTest {
  @TempDir Path dir;

  @Test
  void manifestBlobsAreStoredUnderTheSha256OfTheirBytes() throws IOException {
    SampleRegistry.write(dir, SampleRegistry.Spec.SMALL);
    Path blobs = dir.resolve("docker/registry/v2/blobs/sha256");
    long checked = 0;
    try (Stream<Path> files = Files.walk(blobs)) {
      for (Path data : files.filter(p -> p.endsWith("data")).toList()) {
        byte[] bytes = Files.readAllBytes(data);
        assertThat(Hashing.sha256().hashBytes(bytes).toString())
            .isEqualTo(data.getParent().getFileName().toString());
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(30);
  }

  @Test
  void theSampleScansCleanWithNestedRepositoriesIndexesAndUntaggedRevisions() throws Exception {
    SampleRegistry.write(dir, SampleRegistry.Spec.SMALL);

    Snapshot snapshot =
        new Scanner(StorageLayout.locate(dir), new NioTreeReader(), Scans.CLOCK, p -> {}).scan();

    assertThat(snapshot.problems()).isEmpty();
    assertThat(snapshot.repositories())
        .extracting(RepositoryStats::name)
        .contains("org-0/app-0", "org-0/app-0/worker");
    RepositoryStats first = snapshot.repositories().get(0);
    assertThat(first.tagCount()).isEqualTo(5);
    // 3 images, one of them an index of 3 children, plus one untagged image: 7 revisions
    assertThat(first.revisions()).isEqualTo(7);
    assertThat(first.tags()).anyMatch(t -> t.platforms().size() == 3);
    assertThat(Files.exists(dir.resolve("docker/registry/v2/repositories/org-0/app-0/_uploads")))
        .isTrue();
  }

  @Test
  void repushMovesTagsToNewManifests() throws Exception {
    SampleRegistry.Spec spec = new SampleRegistry.Spec(5, 20, 4, 0, 1024, true, 5);
    SampleRegistry.write(dir, spec);
    StorageLayout layout = StorageLayout.locate(dir);
    List<TagStats> before =
        new Scanner(layout, new NioTreeReader(), Scans.CLOCK, p -> {})
            .scan().repositories().stream().flatMap(r -> r.tags().stream()).toList();

    int moved = SampleRegistry.repush(dir, spec, 0.5, 99);

    List<TagStats> after =
        new Scanner(layout, new NioTreeReader(), Scans.CLOCK, p -> {})
            .scan().repositories().stream().flatMap(r -> r.tags().stream()).toList();
    long changed = 0;
    for (int i = 0; i < before.size(); i++) {
      if (!before.get(i).digest().equals(after.get(i).digest())) {
        changed++;
      }
    }
    assertThat(moved).isBetween(20, 80);
    assertThat(changed).isEqualTo(moved);
  }

  @Test
  void refusesToWriteIntoAFolderThatHoldsAnything() throws IOException {
    Files.writeString(dir.resolve("precious.txt"), "keep me");

    assertThatThrownBy(() -> SampleRegistry.write(dir, SampleRegistry.Spec.SMALL))
        .hasMessageContaining(dir.toString());
    assertThat(Files.readString(dir.resolve("precious.txt"))).isEqualTo("keep me");
  }
}
