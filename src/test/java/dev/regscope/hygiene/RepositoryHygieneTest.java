package dev.regscope.hygiene;

import static dev.regscope.testing.RegistryTree.absentLayer;
import static dev.regscope.testing.RegistryTree.child;
import static dev.regscope.testing.RegistryTree.image;
import static dev.regscope.testing.RegistryTree.imageWithConfig;
import static dev.regscope.testing.RegistryTree.ociIndex;
import static dev.regscope.testing.Scans.repository;
import static dev.regscope.testing.Scans.scan;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.regscope.model.RepositoryHygiene;
import dev.regscope.model.Snapshot;
import dev.regscope.scan.Scanner;
import dev.regscope.storage.NioTreeReader;
import dev.regscope.testing.ForwardingTreeReader;
import dev.regscope.testing.RegistryTree;
import dev.regscope.testing.RegistryTree.Blob;
import dev.regscope.testing.RegistryTree.Manifest;
import dev.regscope.testing.Scans;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What each repository costs in the blob store and what is wrong with it there, on small trees
 * whose blob sizes the test chose: the expected numbers are added up by hand.
 */
class RepositoryHygieneTest {
  private final FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
  private final RegistryTree tree = RegistryTree.at(fs.getPath("/v2"));

  @AfterEach
  void close() throws IOException {
    fs.close();
  }

  private static long size(Manifest manifest) {
    return manifest.bytes().length;
  }

  private static RepositoryHygiene hygiene(Snapshot snapshot, String repository) {
    return repository(snapshot, repository).hygiene();
  }

  // ---- sizeBytes
  // -----------------------------------------------------------------------------------------

  @Test
  void sizeCountsEachBlobTheTagsReachOnceAndNothingUntagged() {
    Blob config = tree.config(8);
    Blob base = tree.layer(1000);
    Manifest v1 = imageWithConfig(config, base, tree.layer(10));
    Manifest v2 = imageWithConfig(config, base, tree.layer(20));
    tree.repo("app")
        .tag("v1", v1)
        .tag("latest", v1)
        .tag("v2", v2)
        .push(imageWithConfig(tree.config(9), tree.layer(5000)));

    RepositoryHygiene app = hygiene(scan(tree), "app");

    assertThat(app.sizeBytes()).isEqualTo(size(v1) + size(v2) + 8 + 1000 + 10 + 20);
  }

  @Test
  void sizeOfAnIndexCountsItselfItsChildrenTheirConfigsAndLayers() {
    Blob common = tree.layer(300);
    Manifest amd64 = imageWithConfig(tree.config(1), common, tree.layer(100));
    Manifest arm64 = imageWithConfig(tree.config(2), common, tree.layer(200));
    Manifest index = ociIndex(child("linux/amd64", amd64), child("linux/arm64", arm64));
    tree.repo("multi").tag("v1", index).tag("amd64", amd64); // the plain tag reaches nothing new

    RepositoryHygiene multi = hygiene(scan(tree), "multi");

    assertThat(multi.sizeBytes())
        .isEqualTo(size(index) + size(amd64) + size(arm64) + 1 + 2 + 300 + 100 + 200);
  }

  // ---- exclusiveSizeBytes
  // --------------------------------------------------------------------------------

  @Test
  void exclusiveSizeLeavesOutWhatAnotherRepositoryAlsoReferences() {
    Blob shared = tree.layer(700);
    Manifest taggedA = imageWithConfig(tree.config(11), shared, tree.layer(110));
    Manifest untaggedA = imageWithConfig(tree.config(12), tree.layer(120));
    Manifest taggedB = imageWithConfig(tree.config(13), shared);
    tree.repo("a").tag("v1", taggedA).push(untaggedA);
    tree.repo("b").tag("v1", taggedB);
    tree.blob("loose".getBytes(StandardCharsets.US_ASCII)); // nobody's

    Snapshot snapshot = scan(tree);

    assertThat(hygiene(snapshot, "a").exclusiveSizeBytes())
        .isEqualTo(size(taggedA) + 11 + 110 + size(untaggedA) + 12 + 120);
    assertThat(hygiene(snapshot, "b").exclusiveSizeBytes()).isEqualTo(size(taggedB) + 13);
  }

  @Test
  void aManifestInTwoRepositoriesIsExclusiveToNeither() {
    Manifest both = imageWithConfig(tree.config(5), tree.layer(50));
    Manifest own = imageWithConfig(tree.config(6), tree.layer(60));
    tree.repo("a").tag("v1", both).tag("v2", own);
    tree.repo("b").push(both);

    Snapshot snapshot = scan(tree);

    assertThat(hygiene(snapshot, "a").exclusiveSizeBytes()).isEqualTo(size(own) + 6 + 60);
    assertThat(hygiene(snapshot, "b").exclusiveSizeBytes()).isZero();
  }

  @Test
  void aDeletedManifestIsNoLongerExclusiveToTheRepositoryItWasIn() {
    Manifest kept = imageWithConfig(tree.config(7), tree.layer(70));
    Manifest deleted = imageWithConfig(tree.config(8), tree.layer(80));
    tree.repo("app").tag("v1", kept).tag("v2", deleted).deleteManifest(deleted.digest());

    RepositoryHygiene app = hygiene(scan(tree), "app");

    assertThat(app.exclusiveSizeBytes()).isEqualTo(size(kept) + 7 + 70);
    assertThat(app.sizeBytes()).isEqualTo(size(kept) + 7 + 70);
  }

  // ---- untaggedManifests
  // ---------------------------------------------------------------------------------

  @Test
  void untaggedManifestsAreRevisionsNoTagReachesNotChildrenOfATaggedIndex() {
    Manifest index =
        ociIndex(
            child("linux/amd64", image(tree.layer(1))), child("linux/arm64", image(tree.layer(2))));
    Manifest deleted = image(tree.layer(4));
    tree.repo("app")
        .tag("multi", index)
        .tag("v1", image(tree.layer(3)))
        .tag("v1", image(tree.layer(30))) // re-tagged away: 1
        .tag("gone", deleted)
        .deleteManifest(deleted.digest()); // deleted: no longer a revision
    tree.repo("app").push(image(tree.layer(5))); // pushed by digest: 1

    assertThat(hygiene(scan(tree), "app").untaggedManifests()).isEqualTo(2);
  }

  @Test
  void anUntaggedIndexCountsWithEachChildNoTagReaches() {
    Manifest amd64 = image(tree.layer(1));
    Manifest index =
        ociIndex(child("linux/amd64", amd64), child("linux/arm64", image(tree.layer(2))));
    tree.repo("none").push(index);
    tree.repo("one").push(index);
    tree.repo("one").tag("amd64", amd64);

    Snapshot snapshot = scan(tree);

    assertThat(hygiene(snapshot, "none").untaggedManifests()).isEqualTo(3);
    assertThat(hygiene(snapshot, "one").untaggedManifests()).isEqualTo(2);
  }

  // ---- missingBlobs
  // --------------------------------------------------------------------------------------

  @Test
  void aTaggedImageWhoseLayerIsAbsentMissesOneBlob() {
    Manifest image = imageWithConfig(tree.config(1), tree.layer(10), absentLayer(20));
    tree.repo("app").tag("v1", image);

    RepositoryHygiene app = hygiene(scan(tree), "app");

    assertThat(app.missingBlobs()).isEqualTo(1);
    assertThat(app.sizeBytes()).isEqualTo(size(image) + 1 + 10);
  }

  @Test
  void aConfigThatWasNeverWrittenIsMissingToo() {
    tree.repo("app")
        .tag("v1", image(tree.layer(10))); // image() declares a config it does not write

    assertThat(hygiene(scan(tree), "app").missingBlobs()).isEqualTo(1);
  }

  @Test
  void aTagWhoseManifestBlobIsMissingMissesOneBlob() throws IOException {
    Manifest image = imageWithConfig(tree.config(1), tree.layer(10));
    tree.repo("app").tag("v1", image);
    deleteBlob(image);

    RepositoryHygiene app = hygiene(scan(tree), "app");

    assertThat(app.missingBlobs()).isEqualTo(1);
    assertThat(app.sizeBytes()).isZero(); // what the manifest referenced cannot be known
  }

  @Test
  void aManifestBlobDeletedBetweenScansCountsAsOnAFreshScanOfTheSameTree() throws IOException {
    Blob config = tree.config(1);
    Blob layer = tree.layer(10);
    Manifest image = imageWithConfig(config, layer);
    tree.repo("app").tag("v1", image);
    Scanner scanner = new Scanner(tree.layout(), new NioTreeReader(), Scans.CLOCK, problem -> {});
    assertThat(hygiene(scanner.scan(), "app").sizeBytes()).isEqualTo(size(image) + 1 + 10);

    deleteBlob(image);
    Snapshot rescan = scanner.scan();

    assertThat(hygiene(rescan, "app").missingBlobs()).isEqualTo(1);
    assertThat(hygiene(rescan, "app").sizeBytes()).isZero();
    // the revision's manifest cannot be read, so nothing marks its config and layer any more
    assertThat(rescan.store().unreferenced().blobs())
        .containsExactlyInAnyOrder(config.digest(), layer.digest());
    assertThat(rescan.store().unreferenced().bytes()).isEqualTo(1 + 10);
  }

  @Test
  void aMissingBlobSharedByTagsCountsOncePerRepository() {
    Blob absent = absentLayer(50);
    Blob config = tree.config(1);
    tree.repo("a")
        .tag("v1", imageWithConfig(config, absent, tree.layer(10)))
        .tag("v2", imageWithConfig(config, absent, tree.layer(20)));
    tree.repo("b").tag("v1", imageWithConfig(config, absent));

    Snapshot snapshot = scan(tree);

    assertThat(hygiene(snapshot, "a").missingBlobs()).isEqualTo(1);
    assertThat(hygiene(snapshot, "b").missingBlobs()).isEqualTo(1);
  }

  @Test
  void anUntaggedRevisionMissingABlobIsNotCounted() {
    tree.repo("app")
        .tag("v1", imageWithConfig(tree.config(1), tree.layer(10)))
        .push(imageWithConfig(tree.config(2), absentLayer(20)));

    assertThat(hygiene(scan(tree), "app").missingBlobs()).isZero();
  }

  @Test
  void nothingIsCalledMissingWhenPartOfTheBlobStoreCannotBeListed() {
    tree.repo("app").tag("v1", imageWithConfig(tree.config(1), absentLayer(20)));
    Path blobs = tree.layout().blobs().resolve("sha256");
    var failing =
        new ForwardingTreeReader(new NioTreeReader()) {
          @Override
          public List<String> names(Path dir) throws IOException {
            if (dir.equals(blobs)) {
              throw new AccessDeniedException(dir.toString());
            }
            return super.names(dir);
          }
        };

    Snapshot snapshot = Scans.scan(tree.layout(), failing, new ArrayList<>());

    assertThat(snapshot.store().complete()).isFalse();
    assertThat(hygiene(snapshot, "app").missingBlobs()).isZero();
  }

  private void deleteBlob(Manifest manifest) throws IOException {
    Path data = tree.blobData(manifest.digest());
    Files.delete(data);
    Files.delete(data.getParent()); // as the collector does: the blob's folder goes with its data
  }
}
