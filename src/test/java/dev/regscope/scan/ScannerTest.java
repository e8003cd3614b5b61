package dev.regscope.scan;

import static dev.regscope.testing.RegistryTree.attestation;
import static dev.regscope.testing.RegistryTree.child;
import static dev.regscope.testing.RegistryTree.helmChart;
import static dev.regscope.testing.RegistryTree.image;
import static dev.regscope.testing.RegistryTree.manifestList;
import static dev.regscope.testing.RegistryTree.ociImage;
import static dev.regscope.testing.RegistryTree.ociImageWithoutMediaType;
import static dev.regscope.testing.RegistryTree.ociIndex;
import static dev.regscope.testing.RegistryTree.schema1;
import static dev.regscope.testing.Scans.repository;
import static dev.regscope.testing.Scans.scan;
import static dev.regscope.testing.Scans.tag;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.regscope.model.PlatformStats;
import dev.regscope.model.Snapshot;
import dev.regscope.model.TagStats;
import dev.regscope.testing.RegistryTree;
import dev.regscope.testing.RegistryTree.Blob;
import dev.regscope.testing.RegistryTree.Manifest;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a scan counts for every manifest kind a registry holds, on hand-built trees. */
class ScannerTest {
  private final FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
  private final RegistryTree tree = RegistryTree.at(fs.getPath("/v2"));

  @AfterEach
  void close() throws Exception {
    fs.close();
  }

  @Test
  void dockerSchema2CountsLayersAndDeclaredSizesButNotTheConfig() {
    tree.repo("app").tag("v1", image(tree.layer(100), tree.layer(250)));

    TagStats v1 = tag(scan(tree), "app", "v1");

    assertThat(v1.layers()).isEqualTo(2);
    assertThat(v1.sizeBytes()).isEqualTo(350);
    assertThat(v1.platforms()).isEmpty();
  }

  @Test
  void ociManifestWithAndWithoutMediaTypeAndArtifacts() {
    tree.repo("app")
        .tag("oci", ociImage(tree.layer(10), tree.layer(20), tree.layer(30)))
        .tag("bare", ociImageWithoutMediaType(tree.layer(7)))
        .tag("chart", helmChart(tree.layer(4096)));

    Snapshot snapshot = scan(tree);

    assertThat(tag(snapshot, "app", "oci").layers()).isEqualTo(3);
    assertThat(tag(snapshot, "app", "oci").sizeBytes()).isEqualTo(60);
    assertThat(tag(snapshot, "app", "bare").sizeBytes()).isEqualTo(7);
    assertThat(tag(snapshot, "app", "chart").layers()).isEqualTo(1);
    assertThat(tag(snapshot, "app", "chart").sizeBytes()).isEqualTo(4096);
  }

  @Test
  void aLayerListedTwiceCountsTwice() {
    Blob layer = tree.layer(500);
    tree.repo("app").tag("v1", image(layer, tree.layer(1), layer));

    TagStats v1 = tag(scan(tree), "app", "v1");

    assertThat(v1.layers()).isEqualTo(3);
    assertThat(v1.sizeBytes()).isEqualTo(1001);
  }

  @Test
  void schema1TakesSizesFromTheBlobFilesOnDisk() {
    Blob top = tree.layer(32);
    tree.repo("old").tag("v0", schema1(top, tree.layer(1000), top));

    TagStats v0 = tag(scan(tree), "old", "v0");

    assertThat(v0.layers()).isEqualTo(3);
    assertThat(v0.sizeBytes()).isEqualTo(1064);
  }

  @Test
  void ociIndexSumsItsChildrenAndReportsEachPlatform() {
    Manifest amd64 = ociImage(tree.layer(100), tree.layer(200));
    Manifest arm64 = ociImage(tree.layer(110), tree.layer(210), tree.layer(5));
    Manifest armv7 = ociImage(tree.layer(90));
    tree.repo("multi")
        .tag(
            "v1",
            ociIndex(
                child("linux/amd64", amd64),
                child("linux/arm64/v8", arm64),
                child("linux/arm/v7", armv7)));

    TagStats v1 = tag(scan(tree), "multi", "v1");

    assertThat(v1.layers()).isEqualTo(6);
    assertThat(v1.sizeBytes()).isEqualTo(100 + 200 + 110 + 210 + 5 + 90);
    assertThat(v1.platforms())
        .containsExactly(
            new PlatformStats("linux/amd64", 2, 300),
            new PlatformStats("linux/arm/v7", 1, 90),
            new PlatformStats("linux/arm64/v8", 3, 325));
  }

  @Test
  void attestationChildrenAreChildrenLikeAnyOtherAndShareOneSeries() {
    tree.repo("multi")
        .tag(
            "v1",
            manifestList(
                child("linux/amd64", image(tree.layer(1000))),
                child("linux/arm64", image(tree.layer(2000))),
                attestation(ociImage(tree.layer(40))),
                attestation(ociImage(tree.layer(60)))));

    TagStats v1 = tag(scan(tree), "multi", "v1");

    assertThat(v1.layers()).isEqualTo(4);
    assertThat(v1.sizeBytes()).isEqualTo(3100);
    assertThat(v1.platforms())
        .containsExactly(
            new PlatformStats("linux/amd64", 1, 1000),
            new PlatformStats("linux/arm64", 1, 2000),
            new PlatformStats("unknown/unknown", 2, 100));
  }

  @Test
  void nestedIndexesAddUpAndLeavesKeepTheirPlatform() {
    Manifest inner =
        ociIndex(
            child("linux/amd64", ociImage(tree.layer(10))),
            child("linux/arm64", ociImage(tree.layer(20))));
    tree.repo("nest")
        .tag(
            "v1",
            ociIndex(
                child(null, inner),
                child("windows/amd64", ociImage(tree.layer(300), tree.layer(1)))));

    TagStats v1 = tag(scan(tree), "nest", "v1");

    assertThat(v1.layers()).isEqualTo(4);
    assertThat(v1.sizeBytes()).isEqualTo(331);
    assertThat(v1.platforms())
        .extracting(PlatformStats::platform)
        .containsExactly("linux/amd64", "linux/arm64", "windows/amd64");
  }

  @Test
  void aTagPointingStraightAtAChildIsAnOrdinaryImage() {
    Manifest amd64 = image(tree.layer(100));
    tree.repo("multi")
        .tag(
            "v1",
            manifestList(child("linux/amd64", amd64), child("linux/arm64", image(tree.layer(5)))))
        .tag("v1-amd64", amd64);

    TagStats direct = tag(scan(tree), "multi", "v1-amd64");

    assertThat(direct.layers()).isEqualTo(1);
    assertThat(direct.sizeBytes()).isEqualTo(100);
    assertThat(direct.platforms()).isEmpty();
  }

  @Test
  void repositoriesNestInsideRepositoriesAndSeveralTagsShareAManifest() {
    Manifest shared = image(tree.layer(64));
    tree.repo("a").tag("latest", shared).tag("v1", shared);
    tree.repo("a/b/c").tag("latest", shared);

    Snapshot snapshot = scan(tree);

    assertThat(snapshot.repositories()).extracting(r -> r.name()).containsExactly("a", "a/b/c");
    assertThat(repository(snapshot, "a").tagCount()).isEqualTo(2);
    assertThat(tag(snapshot, "a/b/c", "latest").sizeBytes()).isEqualTo(64);
    assertThat(snapshot.manifests()).isEqualTo(1);
  }

  @Test
  void revisionsCountLinksNotTheEmptyFoldersADeleteLeaves() throws Exception {
    var repo = tree.repo("app");
    repo.tag("v1", image(tree.layer(1)));
    var deleted = repo.push(image(tree.layer(2)));
    repo.push(image(tree.layer(3)));
    Files.delete(
        repo.dir().resolve("_manifests/revisions/sha256").resolve(deleted.hex()).resolve("link"));

    assertThat(repository(scan(tree), "app").revisions()).isEqualTo(2);
  }

  @Test
  void aFolderHoldingOnlyLayersIsARepositoryWithNoTagsAndUploadsAloneAreNot() throws Exception {
    Files.createDirectories(tree.root().resolve("repositories/pushing/_layers/sha256"));
    Files.createDirectories(tree.root().resolve("repositories/uploading/_uploads/abc"));

    Snapshot snapshot = scan(tree);

    assertThat(snapshot.repositories()).extracting(r -> r.name()).containsExactly("pushing");
    assertThat(repository(snapshot, "pushing").tagCount()).isZero();
    assertThat(snapshot.problems()).isEmpty();
  }
}
