package dev.regscope.hygiene;

import static dev.regscope.testing.RegistryTree.child;
import static dev.regscope.testing.RegistryTree.imageWithConfig;
import static dev.regscope.testing.RegistryTree.manifestList;
import static dev.regscope.testing.RegistryTree.ociIndex;
import static dev.regscope.testing.Scans.repository;
import static dev.regscope.testing.Scans.scan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.regscope.core.BlobCensus;
import dev.regscope.core.Damage;
import dev.regscope.core.Digest;
import dev.regscope.manifest.ManifestException;
import dev.regscope.manifest.ManifestParser;
import dev.regscope.manifest.ManifestSummary;
import dev.regscope.model.BrokenTag;
import dev.regscope.model.Reclaimable;
import dev.regscope.model.Snapshot;
import dev.regscope.model.StoreHygiene;
import dev.regscope.storage.BlobCensusReader;
import dev.regscope.storage.NioTreeReader;
import dev.regscope.testing.RegistryTree;
import dev.regscope.testing.RegistryTree.Blob;
import dev.regscope.testing.RegistryTree.Manifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What each garbage-collection mode would delete, on small trees whose every blob is written by the
 * test: the expected blobs and bytes are the digests and sizes the test wrote, added up by hand.
 */
class GarbageCollectionTest {
  private final FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
  private final RegistryTree tree = RegistryTree.at(fs.getPath("/v2"));

  @AfterEach
  void close() throws IOException {
    fs.close();
  }

  private static long size(Manifest manifest) {
    return manifest.bytes().length;
  }

  private static void assertNothingReclaimable(Reclaimable reclaimable) {
    assertThat(reclaimable.blobs()).isEmpty();
    assertThat(reclaimable.bytes()).isZero();
  }

  @Test
  void totalsCountEveryDataFileOfTheBlobStoreAndNothingElse() throws IOException {
    Manifest image = imageWithConfig(tree.config(50), tree.layer(100), tree.layer(200));
    var app = tree.repo("app").tag("v1", image);
    tree.blob("loose".getBytes(StandardCharsets.US_ASCII));
    // a blob folder whose data is not written yet, and an upload in progress: neither is a blob
    Files.createDirectories(tree.blobData(new Digest("sha256", "ab".repeat(32))).getParent());
    Files.createDirectories(app.dir().resolve("_uploads/u1"));
    Files.write(app.dir().resolve("_uploads/u1/data"), new byte[4000]);

    StoreHygiene store = scan(tree).store();

    assertThat(store.blobs()).isEqualTo(5);
    assertThat(store.blobBytes()).isEqualTo(size(image) + 50 + 100 + 200 + 5);
    assertThat(store.complete()).isTrue();
  }

  @Test
  void unreferencedModeSweepsALooseBlobAndADeletedManifestWithWhatOnlyItReferenced() {
    Blob base = tree.layer(100);
    Manifest kept = imageWithConfig(tree.config(10), base);
    Blob goneConfig = tree.config(30);
    Blob goneTop = tree.layer(300);
    Manifest deleted = imageWithConfig(goneConfig, base, goneTop);
    tree.repo("app").tag("v1", kept).tag("v2", deleted).deleteManifest(deleted.digest());
    Digest loose = tree.blob("loose".getBytes(StandardCharsets.US_ASCII));

    StoreHygiene store = scan(tree).store();

    assertThat(store.unreferenced().blobs())
        .containsExactlyInAnyOrder(loose, deleted.digest(), goneConfig.digest(), goneTop.digest());
    assertThat(store.unreferenced().bytes()).isEqualTo(5 + size(deleted) + 30 + 300);
    // no untagged revision is left, so the untagged mode frees the same
    assertThat(store.untagged().blobs())
        .containsExactlyInAnyOrder(loose, deleted.digest(), goneConfig.digest(), goneTop.digest());
    assertThat(store.untagged().bytes()).isEqualTo(5 + size(deleted) + 30 + 300);
  }

  @Test
  void untaggedModeAlsoSweepsUntaggedRevisionsAndWhatOnlyTheyReference() {
    Blob base = tree.layer(1000);
    Blob oldConfig = tree.config(2);
    Blob oldTop = tree.layer(20);
    Manifest old = imageWithConfig(oldConfig, base, oldTop);
    Manifest current = imageWithConfig(tree.config(3), base, tree.layer(30));
    Blob pushedConfig = tree.config(4);
    Blob pushedTop = tree.layer(40);
    Manifest byDigest = imageWithConfig(pushedConfig, base, pushedTop);
    tree.repo("app").tag("v1", old).tag("v1", current).push(byDigest); // v1 re-tagged away from old

    StoreHygiene store = scan(tree).store();

    assertNothingReclaimable(store.unreferenced());
    assertThat(store.untagged().blobs())
        .containsExactlyInAnyOrder(
            old.digest(),
            oldConfig.digest(),
            oldTop.digest(),
            byDigest.digest(),
            pushedConfig.digest(),
            pushedTop.digest());
    assertThat(store.untagged().bytes()).isEqualTo(size(old) + 2 + 20 + size(byDigest) + 4 + 40);
  }

  @Test
  void untaggedModeKeepsTheChildrenOfATaggedIndexAndTheirLayers() {
    Manifest amd64 = imageWithConfig(tree.config(1), tree.layer(100));
    Manifest arm64 = imageWithConfig(tree.config(2), tree.layer(200));
    tree.repo("multi")
        .tag("v1", ociIndex(child("linux/amd64", amd64), child("linux/arm64", arm64)));

    StoreHygiene store = scan(tree).store();

    assertThat(store.blobs()).isEqualTo(7);
    assertNothingReclaimable(store.unreferenced());
    assertNothingReclaimable(store.untagged());
  }

  @Test
  void anUntaggedIndexGoesWithItsChildrenUnlessAPlainTagKeepsOne() {
    Blob amd64Config = tree.config(1);
    Blob amd64Layer = tree.layer(100);
    Manifest amd64 = imageWithConfig(amd64Config, amd64Layer);
    Blob arm64Config = tree.config(2);
    Blob arm64Layer = tree.layer(200);
    Manifest arm64 = imageWithConfig(arm64Config, arm64Layer);
    Manifest index = manifestList(child("linux/amd64", amd64), child("linux/arm64", arm64));
    tree.repo("multi")
        .tag("v1", index)
        .tag("v1", imageWithConfig(tree.config(3), tree.layer(300))) // the index is untagged now
        .tag("amd64", amd64);

    StoreHygiene store = scan(tree).store();

    assertNothingReclaimable(store.unreferenced());
    assertThat(store.untagged().blobs())
        .containsExactlyInAnyOrder(
            index.digest(), arm64.digest(), arm64Config.digest(), arm64Layer.digest());
    assertThat(store.untagged().bytes()).isEqualTo(size(index) + size(arm64) + 2 + 200);
  }

  @Test
  void aLayerAnUntaggedManifestSharesWithATaggedOneInAnotherRepositoryIsKept() {
    Blob shared = tree.layer(500);
    Blob configA = tree.config(6);
    Blob onlyA = tree.layer(60);
    Manifest inA = imageWithConfig(configA, shared, onlyA);
    tree.repo("a").push(inA);
    tree.repo("b").tag("v1", imageWithConfig(tree.config(7), shared));

    StoreHygiene store = scan(tree).store();

    assertNothingReclaimable(store.unreferenced());
    assertThat(store.untagged().blobs())
        .containsExactlyInAnyOrder(inA.digest(), configA.digest(), onlyA.digest());
    assertThat(store.untagged().bytes()).isEqualTo(size(inA) + 6 + 60);
  }

  @Test
  void aManifestWithRevisionsInTwoRepositoriesIsKeptByEitherOne() {
    Blob config = tree.config(5);
    Blob layer = tree.layer(50);
    Manifest image = imageWithConfig(config, layer);
    var a = tree.repo("a").tag("v1", image);
    tree.repo("b").push(image);

    StoreHygiene bothLinked = scan(tree).store();

    assertNothingReclaimable(bothLinked.unreferenced());
    assertNothingReclaimable(bothLinked.untagged()); // a's tag keeps what b has untagged

    a.deleteManifest(image.digest());
    StoreHygiene onlyUntaggedInB = scan(tree).store();

    assertNothingReclaimable(onlyUntaggedInB.unreferenced()); // b's revision still marks it
    assertThat(onlyUntaggedInB.untagged().blobs())
        .containsExactlyInAnyOrder(image.digest(), config.digest(), layer.digest());
    assertThat(onlyUntaggedInB.untagged().bytes()).isEqualTo(size(image) + 5 + 50);
  }

  @Test
  void aTagWhoseManifestHasNoRevisionKeepsNothingBecauseTheCollectorOnlyEnumeratesRevisions() {
    Blob config = tree.config(4);
    Blob layer = tree.layer(40);
    Manifest image = imageWithConfig(config, layer);
    // damage: the revision link is gone but a tag still names the manifest
    tree.repo("app")
        .tag("v1", image)
        .deleteManifest(image.digest())
        .tagLink("v1", image.digest().toString());

    Snapshot snapshot = scan(tree);

    assertThat(snapshot.store().unreferenced().blobs())
        .containsExactlyInAnyOrder(image.digest(), config.digest(), layer.digest());
    assertThat(snapshot.store().unreferenced().bytes()).isEqualTo(size(image) + 4 + 40);
    assertThat(snapshot.store().untagged().bytes()).isEqualTo(size(image) + 4 + 40);
    // The registry answers 404 for such a tag: it is broken and keeps nothing.
    assertThat(repository(snapshot, "app").hygiene().sizeBytes()).isZero();
    assertThat(repository(snapshot, "app").brokenTags())
        .extracting(BrokenTag::name, BrokenTag::reason, BrokenTag::digest)
        .containsExactly(tuple("v1", Damage.MISSING_REVISION, image.digest()));
  }

  @Test
  void eachTagOfAnIndexWhoseChildrenAreUntaggedWouldBreakUnderRegistry28() {
    Manifest amd64 = imageWithConfig(tree.config(1), tree.layer(100));
    Manifest arm64 = imageWithConfig(tree.config(2), tree.layer(200));
    Manifest index = ociIndex(child("linux/amd64", amd64), child("linux/arm64", arm64));
    tree.repo("multi")
        .tag("v1", index)
        .tag("latest", index)
        .tag("single", imageWithConfig(tree.config(3), tree.layer(300)));

    Snapshot snapshot = scan(tree);

    assertThat(repository(snapshot, "multi").hygiene().deleteUntaggedBrokenTags()).isEqualTo(2);
  }

  @Test
  void anIndexWhoseChildrenAllCarryTagsWouldNotBreakButOneUntaggedChildBreaksIt() {
    Manifest amd64 = imageWithConfig(tree.config(1), tree.layer(100));
    Manifest arm64 = imageWithConfig(tree.config(2), tree.layer(200));
    Manifest index = ociIndex(child("linux/amd64", amd64), child("linux/arm64", arm64));
    tree.repo("all").tag("v1", index).tag("v1-amd64", amd64).tag("v1-arm64", arm64);
    tree.repo("half").tag("v1", index).tag("v1-amd64", amd64);

    Snapshot snapshot = scan(tree);

    assertThat(repository(snapshot, "all").hygiene().deleteUntaggedBrokenTags()).isZero();
    assertThat(repository(snapshot, "half").hygiene().deleteUntaggedBrokenTags()).isEqualTo(1);
  }

  @Test
  void aNestedIndexBreaksEveryTaggedLevelAboveAnUntaggedImage() {
    Manifest amd64 = imageWithConfig(tree.config(1), tree.layer(100));
    Manifest inner = ociIndex(child("linux/amd64", amd64));
    Manifest outer = ociIndex(child(null, inner));
    tree.repo("nested").tag("outer", outer).tag("inner", inner);

    Snapshot snapshot = scan(tree);

    assertThat(repository(snapshot, "nested").hygiene().deleteUntaggedBrokenTags()).isEqualTo(2);
    assertNothingReclaimable(snapshot.store().untagged());
  }

  @Test
  void computedFromTheCensusARevisionWhoseManifestIsUnreadableMarksOnlyItself() {
    Blob config = tree.config(8);
    Blob layer = tree.layer(80);
    Manifest readable = imageWithConfig(config, layer);
    Blob hiddenConfig = tree.config(9);
    Blob hiddenLayer = tree.layer(90);
    Manifest unreadable = imageWithConfig(hiddenConfig, hiddenLayer);
    tree.repo("app").tag("v1", readable).push(unreadable);
    BlobCensus census =
        BlobCensusReader.read(tree.layout(), new NioTreeReader(), BlobCensus.EMPTY, Instant.now());
    Map<Digest, Manifest> readableOnes = Map.of(readable.digest(), readable);

    GarbageCollection.Result result =
        GarbageCollection.compute(
            census,
            List.of(
                new RepositoryRefs(
                    "app",
                    List.of(readable.digest(), unreadable.digest()),
                    List.of(new TagRef("v1", readable.digest(), false)),
                    null,
                    true,
                    false,
                    true)),
            new ManifestLookup() {
              @Override
              public Optional<ManifestSummary> summary(Digest digest) {
                return Optional.ofNullable(readableOnes.get(digest))
                    .map(GarbageCollectionTest::parse);
              }

              @Override
              public Optional<Damage> unreadable(Digest digest) {
                return readableOnes.containsKey(digest)
                    ? Optional.empty()
                    : Optional.of(Damage.MANIFEST_BAD_SHAPE);
              }
            });

    assertThat(result.store().unreferenced().blobs())
        .containsExactlyInAnyOrder(hiddenConfig.digest(), hiddenLayer.digest());
    assertThat(result.store().unreferenced().bytes()).isEqualTo(9 + 90);
    assertThat(result.store().untagged().blobs())
        .containsExactlyInAnyOrder(
            unreadable.digest(), hiddenConfig.digest(), hiddenLayer.digest());
    assertThat(result.store().untagged().bytes()).isEqualTo(size(unreadable) + 9 + 90);
    assertThat(result.repositories().get("app").sizeBytes()).isEqualTo(size(readable) + 8 + 80);
  }

  @Test
  void manyRepositoriesWorkedOnInParallelEachGetTheirOwnNumbers() {
    // Enough repositories that several chunks run at once, each with its own stamps.
    int repositories = 600;
    Blob base = tree.layer(1000);
    long expectedUntaggedBytes = 0;
    long expectedUnreferencedBytes = 0;
    Manifest[] tagged = new Manifest[repositories];
    Manifest[] untagged = new Manifest[repositories];
    for (int i = 0; i < repositories; i++) {
      Blob missing = absentLayerEvery3rd(i);
      tagged[i] =
          missing == null
              ? imageWithConfig(tree.config(10), base, tree.layer(100 + i))
              : imageWithConfig(tree.config(10), base, tree.layer(100 + i), missing);
      var repo = tree.repo("r" + i).tag("v1", tagged[i]).tag("v2", tagged[i]);
      if (i % 2 == 0) {
        untagged[i] = imageWithConfig(tree.config(3), tree.layer(7));
        repo.push(untagged[i]);
        expectedUntaggedBytes += size(untagged[i]) + 3 + 7;
      }
    }
    Blob loose = tree.layer(55);
    expectedUnreferencedBytes += loose.size();
    expectedUntaggedBytes += loose.size();

    Snapshot snapshot = scan(tree);

    for (int i = 0; i < repositories; i++) {
      var hygiene = repository(snapshot, "r" + i).hygiene();
      long own = size(tagged[i]) + 10 + 100 + i;
      assertThat(hygiene.sizeBytes()).as("r%d size", i).isEqualTo(own + 1000);
      assertThat(hygiene.exclusiveSizeBytes())
          .as("r%d exclusive", i)
          .isEqualTo(i % 2 == 0 ? own + size(untagged[i]) + 3 + 7 : own);
      assertThat(hygiene.untaggedManifests()).as("r%d untagged", i).isEqualTo(i % 2 == 0 ? 1 : 0);
      assertThat(hygiene.missingBlobs()).as("r%d missing", i).isEqualTo(i % 3 == 0 ? 1 : 0);
    }
    assertThat(snapshot.store().unreferenced().bytes()).isEqualTo(expectedUnreferencedBytes);
    assertThat(snapshot.store().unreferenced().blobs()).containsExactly(loose.digest());
    assertThat(snapshot.store().untagged().bytes()).isEqualTo(expectedUntaggedBytes);
    assertThat(snapshot.store().untagged().blobs()).hasSize(1 + 3 * repositories / 2);
  }

  private static Blob absentLayerEvery3rd(int i) {
    return i % 3 == 0 ? RegistryTree.absentLayer(20) : null;
  }

  private static ManifestSummary parse(Manifest manifest) {
    try {
      return ManifestParser.parse(manifest.bytes());
    } catch (ManifestException e) {
      throw new AssertionError(e);
    }
  }
}
