package dev.regscope.scan;

import static dev.regscope.testing.RegistryTree.image;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.regscope.model.ScanFailure;
import dev.regscope.model.Snapshot;
import dev.regscope.storage.NioTreeReader;
import dev.regscope.storage.StorageLayout;
import dev.regscope.testing.RegistryTree;
import dev.regscope.testing.Scans;
import dev.regscope.testing.VanishingTreeReader;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Storage that existed and vanished is a failed scan, never an empty registry; half a tree (blobs
 * without repositories) is never read as a registry whose every blob is reclaimable; a tree that
 * never existed is the empty registry a new volume holds.
 */
class LostStorageTest {
  private final FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
  private final Path v2 = fs.getPath("/var/lib/registry/docker/registry/v2");

  private Scanner scanner(StorageLayout layout) {
    return new Scanner(layout, new NioTreeReader(), Scans.CLOCK, p -> {});
  }

  private static void failsFor(ScanFailure reason, String message, ThrowingCallable scan) {
    assertThatThrownBy(scan)
        .isInstanceOfSatisfying(
            ScanFailedException.class, e -> assertThat(e.reason()).isEqualTo(reason))
        .hasMessageContaining(message);
  }

  @Test
  void aTreeThatNeverExistedIsAnEmptyRegistry() throws IOException {
    Files.createDirectories(fs.getPath("/var/lib/registry"));

    Snapshot snapshot = scanner(StorageLayout.at(v2)).scan();

    assertThat(snapshot.repositories()).isEmpty();
    assertThat(snapshot.problems()).isEmpty();
  }

  @Test
  void repositoriesMovedAwayAfterAScanFailsTheScanUntilTheyAreBack() throws IOException {
    RegistryTree tree = RegistryTree.at(v2);
    tree.repo("app").tag("v1", image(tree.layer(10)));
    Scanner scanner = scanner(tree.layout());
    assertThat(scanner.scan().repositories()).hasSize(1);

    Files.move(v2.resolve("repositories"), v2.resolve("repositories.moved"));
    failsFor(ScanFailure.STORAGE_VANISHED, v2.resolve("repositories").toString(), scanner::scan);
    failsFor(ScanFailure.STORAGE_VANISHED, "existed at an earlier scan", scanner::scan);

    Files.move(v2.resolve("repositories.moved"), v2.resolve("repositories"));
    assertThat(scanner.scan().repositories()).hasSize(1);
  }

  @Test
  void theWholeTreeRemovedAfterAScanFailsTheScan() throws IOException {
    RegistryTree tree = RegistryTree.at(v2);
    tree.repo("app").tag("v1", image(tree.layer(10)));
    Scanner scanner = scanner(tree.layout());
    scanner.scan();

    VanishingTreeReader.deleteRecursively(fs.getPath("/var/lib/registry/docker"));

    failsFor(ScanFailure.STORAGE_VANISHED, "the whole storage folder", scanner::scan);
  }

  @Test
  void blobsWithoutRepositoriesAreHalfATreeFromTheFirstScanOn() throws IOException {
    RegistryTree tree = RegistryTree.at(v2);
    tree.repo("app").tag("v1", image(tree.layer(10)));
    VanishingTreeReader.deleteRecursively(v2.resolve("repositories"));

    failsFor(
        ScanFailure.STORAGE_INCOMPLETE,
        "holds blobs but " + v2.resolve("repositories") + " is missing",
        scanner(tree.layout())::scan);
  }

  @Test
  void repositoriesRemovedWhileTheScanWalksFailTheScan() throws IOException {
    RegistryTree tree = RegistryTree.at(v2);
    tree.repo("app").tag("v1", image(tree.layer(10)));
    tree.repo("web").tag("v1", image(tree.layer(20)));
    VanishingTreeReader vanishing =
        new VanishingTreeReader()
            .deleteAfterListing(v2.resolve("repositories"), v2.resolve("repositories"));

    Scanner scanner = new Scanner(tree.layout(), vanishing, Scans.CLOCK, p -> {});

    failsFor(ScanFailure.STORAGE_VANISHED, "during the scan", scanner::scan);
    assertThat(vanishing.allFired()).isTrue();
  }
}
