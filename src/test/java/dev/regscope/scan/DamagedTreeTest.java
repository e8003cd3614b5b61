package dev.regscope.scan;

import static dev.regscope.testing.RegistryTree.absentLayer;
import static dev.regscope.testing.RegistryTree.child;
import static dev.regscope.testing.RegistryTree.image;
import static dev.regscope.testing.RegistryTree.manifestList;
import static dev.regscope.testing.RegistryTree.ociImage;
import static dev.regscope.testing.RegistryTree.ociIndex;
import static dev.regscope.testing.RegistryTree.ociIndexNaming;
import static dev.regscope.testing.RegistryTree.raw;
import static dev.regscope.testing.RegistryTree.schema1;
import static dev.regscope.testing.Scans.repository;
import static dev.regscope.testing.Scans.tag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.regscope.core.Damage;
import dev.regscope.core.Digest;
import dev.regscope.model.BrokenTag;
import dev.regscope.model.PlatformStats;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.ScanProblem;
import dev.regscope.model.Snapshot;
import dev.regscope.model.TagStats;
import dev.regscope.storage.NioTreeReader;
import dev.regscope.storage.TreeReader;
import dev.regscope.testing.RecordingTreeReader;
import dev.regscope.testing.RecordingTreeReader.Read;
import dev.regscope.testing.RegistryTree;
import dev.regscope.testing.RegistryTree.Blob;
import dev.regscope.testing.RegistryTree.Manifest;
import dev.regscope.testing.Scans;
import dev.regscope.testing.VanishingTreeReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The storage is shared with a live registry and may be damaged. For every kind of damage the scan
 * goes on, counts one problem naming the offending file, logs it once (not again while it
 * persists), and counts a tag it breaks as broken with a reason, never as a readable tag of size 0.
 *
 * <p>Every test puts the damage next to a healthy tag, {@code app:healthy} (2 layers, 100 + 20
 * bytes), which must come out whole. Expected paths are written out by hand ({@link #blob}), not
 * asked of regscope.
 */
class DamagedTreeTest {
  private static final int FOUR_MIB = 4 * 1024 * 1024;

  private final FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
  private final RegistryTree tree = RegistryTree.at(fs.getPath("/v2"));
  private final RegistryTree.Repo app = tree.repo("app");
  private final Manifest healthy = image(tree.layer(100), tree.layer(20));
  private TreeReader reader = new NioTreeReader();

  @BeforeEach
  void healthyTagNextToTheDamage() {
    app.tag("healthy", healthy);
  }

  @AfterEach
  void close() throws IOException {
    fs.close();
  }

  @Nested
  class TagLinks {
    @Test
    void garbage() throws IOException {
      app.tagLink("damaged", "<html>502 Bad Gateway</html>\n\0\0");

      assertBrokenTag(
          "damaged",
          Damage.BAD_LINK,
          path("/v2/repositories/app/_manifests/tags/damaged/current/link"));
    }

    @Test
    void unknownAlgorithm() throws IOException {
      app.tagLink("damaged", "md5:abc");

      assertBrokenTag("damaged", Damage.BAD_LINK, app.currentLink("damaged"));
    }

    @Test
    void uppercaseHexIsNotFoldedOntoTheManifestItSpells() throws IOException {
      app.tagLink("damaged", "sha256:" + healthy.digest().hex().toUpperCase());

      assertBrokenTag("damaged", Damage.BAD_LINK, app.currentLink("damaged"));
    }

    @Test
    void pathTraversalIsRefusedAndNothingOutsideTheTreeIsTouched() throws IOException {
      // blobs/sha256/<"..">/<"../../..">/data: four ".." climb from /v2/blobs/sha256 to /, so it
      // would reach /data.
      Files.write(path("/data"), healthy.bytes());
      RecordingTreeReader recording = new RecordingTreeReader(new NioTreeReader());
      reader = recording;
      app.tagLink("damaged", "sha256:../../..");

      assertBrokenTag("damaged", Damage.BAD_LINK, app.currentLink("damaged"));
      assertThat(recording.touched())
          .isNotEmpty()
          .allSatisfy(touched -> assertThat(touched.normalize()).startsWith(path("/v2")));
    }

    @Test
    void linkToAMissingManifestBlob() throws IOException {
      String hex = "e0".repeat(32);
      app.tagLink("damaged", "sha256:" + hex);

      assertBrokenTag("damaged", Damage.MISSING_BLOB, path("/v2/blobs/sha256/e0/" + hex + "/data"));
    }

    @Test
    void tagFolderWithoutCurrentLink() throws IOException {
      // What a delete interrupted half-way leaves: the history is there, current/link is not.
      Files.createDirectories(app.tagDir("damaged").resolve("index/sha256"));

      assertBrokenTag("damaged", Damage.MISSING_LINK, app.currentLink("damaged"));
    }
  }

  @Nested
  class ManifestBlobs {
    @Test
    void empty() throws IOException {
      Manifest empty = raw("");
      app.tag("damaged", empty);

      assertBrokenTag("damaged", Damage.MANIFEST_EMPTY, blob(empty.digest()));
    }

    @Test
    void truncated() throws IOException {
      byte[] whole = image(tree.layer(5)).bytes();
      Manifest truncated = raw(Arrays.copyOf(whole, whole.length / 2));
      app.tag("damaged", truncated);

      assertBrokenTag("damaged", Damage.MANIFEST_NOT_JSON, blob(truncated.digest()));
    }

    @Test
    void notJson() throws IOException {
      Manifest html = raw("<html>502 Bad Gateway</html>");
      app.tag("damaged", html);

      assertBrokenTag("damaged", Damage.MANIFEST_NOT_JSON, blob(html.digest()));
    }

    @Test
    void trailingGarbageAfterTheJson() throws IOException {
      Manifest trailing =
          raw(new String(image(tree.layer(5)).bytes(), StandardCharsets.UTF_8) + " garbage");
      app.tag("damaged", trailing);

      assertBrokenTag("damaged", Damage.MANIFEST_NOT_JSON, blob(trailing.digest()));
    }

    @Test
    void jsonArrayInsteadOfAnObject() throws IOException {
      Manifest array =
          raw("[" + new String(image(tree.layer(5)).bytes(), StandardCharsets.UTF_8) + "]");
      app.tag("damaged", array);

      assertBrokenTag("damaged", Damage.MANIFEST_BAD_SHAPE, blob(array.digest()));
    }

    @Test
    void layersThatAreNotAnArray() throws IOException {
      Manifest wrong =
          raw(
              """
          {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
           "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 10,
                      "digest": "sha256:%s"},
           "layers": {"size": 10, "digest": "sha256:%s"}}
          """
                  .formatted("1".repeat(64), "2".repeat(64)));
      app.tag("damaged", wrong);

      assertBrokenTag("damaged", Damage.MANIFEST_BAD_SHAPE, blob(wrong.digest()));
    }

    @Test
    void imageWithoutConfig() throws IOException {
      Manifest noConfig =
          raw(
              """
          {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
           "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "size": 10,
                       "digest": "sha256:%s"}]}
          """
                  .formatted("2".repeat(64)));
      app.tag("damaged", noConfig);

      assertBrokenTag("damaged", Damage.MANIFEST_BAD_SHAPE, blob(noConfig.digest()));
    }

    @Test
    void unknownMediaType() throws IOException {
      Manifest unknown =
          raw(
              """
          {"schemaVersion": 2, "mediaType": "application/vnd.example.thing.v1+json", "layers": []}
          """);
      app.tag("damaged", unknown);

      assertBrokenTag("damaged", Damage.UNKNOWN_MEDIA_TYPE, blob(unknown.digest()));
    }

    @Test
    void oneByteMoreThanFourMebibytesIsNotReadEvenIfItIsValidJson() throws IOException {
      Manifest big = raw(paddedWithSpaces(image(tree.layer(7)).bytes(), FOUR_MIB + 1));
      app.tag("damaged", big);
      RecordingTreeReader recording = new RecordingTreeReader(new NioTreeReader());
      reader = recording;

      assertBrokenTag("damaged", Damage.MANIFEST_TOO_LARGE, blob(big.digest()));
      // Asked for at most 4 MiB, and handed nothing back; one read of it per scan.
      assertThat(recording.reads())
          .filteredOn(read -> read.file().equals(blob(big.digest())))
          .containsExactly(
              new Read(blob(big.digest()), FOUR_MIB, -1),
              new Read(blob(big.digest()), FOUR_MIB, -1));
    }

    @Test
    void exactlyFourMebibytesOfValidJsonIsAnOrdinaryManifest() throws IOException {
      Manifest big = raw(paddedWithSpaces(image(tree.layer(7), tree.layer(8)).bytes(), FOUR_MIB));
      app.tag("big", big);

      Snapshot snapshot = scanner(new ArrayList<>()).scan();

      assertThat(tag(snapshot, "app", "big").layers()).isEqualTo(2);
      assertThat(tag(snapshot, "app", "big").sizeBytes()).isEqualTo(15);
      assertThat(snapshot.problems()).isEmpty();
    }

    @Test
    void schema1ManifestWhoseLayerBlobIsMissing() throws IOException {
      Blob missing = absentLayer(20);
      app.tag("damaged", schema1(tree.layer(10), missing));

      assertBrokenTag("damaged", Damage.MISSING_BLOB, blob(missing.digest()));
    }
  }

  @Nested
  class Sizes {
    @Test
    void negative() throws IOException {
      Manifest manifest = imageWithLayerSize("-1");
      app.tag("damaged", manifest);

      assertBrokenTag("damaged", Damage.BAD_SIZE, blob(manifest.digest()));
    }

    @Test
    void numberInAString() throws IOException {
      Manifest manifest = imageWithLayerSize("\"123\"");
      app.tag("damaged", manifest);

      assertBrokenTag("damaged", Damage.BAD_SIZE, blob(manifest.digest()));
    }

    @Test
    void fractional() throws IOException {
      Manifest manifest = imageWithLayerSize("1.5");
      app.tag("damaged", manifest);

      assertBrokenTag("damaged", Damage.BAD_SIZE, blob(manifest.digest()));
    }

    @Test
    void largerThanLongMaxValue() throws IOException {
      Manifest manifest = imageWithLayerSize("9223372036854775808");
      app.tag("damaged", manifest);

      assertBrokenTag("damaged", Damage.BAD_SIZE, blob(manifest.digest()));
    }

    @Test
    void layerSizesThatAddUpPastLongMaxValue() throws IOException {
      Manifest manifest = image(absentLayer(Long.MAX_VALUE), absentLayer(1));
      app.tag("damaged", manifest);

      assertBrokenTag("damaged", Damage.BAD_SIZE, blob(manifest.digest()));
    }
  }

  @Nested
  class Indexes {
    @Test
    void indexThatNamesItself() throws IOException {
      Digest self = new Digest("sha256", "5e1f".repeat(16));
      tree.putBlob(self, ociIndexNaming(self).bytes());
      app.tagLink("damaged", self.toString());

      assertBrokenTag("damaged", Damage.INDEX_CYCLE, blob(self));
    }

    @Test
    void twoIndexesThatNameEachOther() throws IOException {
      Digest first = new Digest("sha256", "a1".repeat(32));
      Digest second = new Digest("sha256", "b2".repeat(32));
      tree.putBlob(first, ociIndexNaming(second).bytes());
      tree.putBlob(second, ociIndexNaming(first).bytes());
      app.tagLink("damaged", first.toString());

      // The index met a second time on the way down is the one named.
      assertBrokenTag("damaged", Damage.INDEX_CYCLE, blob(first));
    }

    @Test
    void indexesNestedEightDeepAreFine() throws IOException {
      app.tag("deep", nested(8, ociImage(tree.layer(5), tree.layer(6))));

      Snapshot snapshot = scanner(new ArrayList<>()).scan();

      TagStats deep = tag(snapshot, "app", "deep");
      assertThat(deep.layers()).isEqualTo(2);
      assertThat(deep.sizeBytes()).isEqualTo(11);
      assertThat(deep.platforms()).containsExactly(new PlatformStats("linux/amd64", 2, 11));
      assertThat(snapshot.problems()).isEmpty();
    }

    @Test
    void indexesNestedNineDeepAreTooDeep() throws IOException {
      Manifest nine = nested(9, ociImage(tree.layer(5)));
      app.tag("damaged", nine);

      // The tag's own index is the one nesting too deep.
      assertBrokenTag("damaged", Damage.INDEX_TOO_DEEP, blob(nine.digest()));
    }

    @Test
    void indexWithAMissingChildIsBrokenButATagOnItsOtherChildIsFine() throws IOException {
      Manifest amd64 = image(tree.layer(30));
      Manifest arm64 = image(tree.layer(40));
      app.tag("damaged", manifestList(child("linux/amd64", amd64), child("linux/arm64", arm64)))
          .tag("only-amd64", amd64);
      Files.delete(blob(arm64.digest()));

      assertDamage(
          Damage.MISSING_BLOB,
          blob(arm64.digest()),
          snapshot -> {
            assertThat(repository(snapshot, "app").brokenTags())
                .extracting(BrokenTag::name, BrokenTag::reason)
                .containsExactly(tuple("damaged", Damage.MISSING_BLOB));
            assertThat(repository(snapshot, "app").tags())
                .extracting(TagStats::name)
                .containsExactly("healthy", "only-amd64");
            assertThat(tag(snapshot, "app", "only-amd64").sizeBytes()).isEqualTo(30);
          });
    }

    @Test
    void childrenWhoseSizesAddUpPastLongMaxValue() throws IOException {
      Manifest index =
          ociIndex(
              child("linux/amd64", ociImage(absentLayer(Long.MAX_VALUE))),
              child("linux/arm64", ociImage(absentLayer(1))));
      app.tag("damaged", index);

      assertBrokenTag("damaged", Damage.BAD_SIZE, blob(index.digest()));
    }
  }

  @Nested
  class Repositories {
    @Test
    void repositoryWithManifestsPushedByDigestOnlyHasNoTagsFolderAndNoProblem() throws IOException {
      // The registry makes _manifests/tags with the first tag; an index's children, or any
      // manifest pushed by digest, come before it.
      RegistryTree.Repo untagged = tree.repo("untagged");
      untagged.push(image(tree.layer(1)));
      Files.delete(path("/v2/repositories/untagged/_manifests/tags"));

      Snapshot snapshot = scanner(new ArrayList<>()).scan();

      assertHealthyTagFullyCounted(snapshot);
      assertThat(snapshot.problems()).isEmpty();
      RepositoryStats stats = repository(snapshot, "untagged");
      assertThat(stats.tagCount()).isZero();
      assertThat(stats.revisions()).isEqualTo(1);
    }
  }

  /**
   * Never followed: not on a real disk, not on Jimfs (whose exceptions differ, see ReadOnlyScanTest
   * for Linux).
   */
  @Nested
  class SymbolicLinks {
    @Test
    void repositoryFolderThatIsALinkToAnotherRepository() throws IOException {
      Files.createSymbolicLink(path("/v2/repositories/mirror"), path("app"));

      assertDamage(
          Damage.SYMLINK,
          path("/v2/repositories/mirror"),
          snapshot ->
              assertThat(snapshot.repositories())
                  .extracting(RepositoryStats::name)
                  .containsExactly("app"));
    }

    @Test
    void tagsFolderThatIsALinkToAnotherRepositorysTags() throws IOException {
      tree.repo("damaged");
      Path tags = path("/v2/repositories/damaged/_manifests/tags");
      Files.delete(tags);
      Files.createSymbolicLink(tags, path("/v2/repositories/app/_manifests/tags"));

      assertDamage(
          Damage.SYMLINK,
          tags,
          snapshot -> assertThat(repository(snapshot, "damaged").tagCount()).isZero());
    }

    @Test
    void tagFolderThatIsALink() throws IOException {
      Files.createSymbolicLink(app.tagDir("damaged"), path("healthy"));

      assertBrokenTag(
          "damaged", Damage.SYMLINK, path("/v2/repositories/app/_manifests/tags/damaged"));
    }

    @Test
    void currentLinkThatIsALinkToAValidLinkFile() throws IOException {
      Files.createDirectories(app.currentLink("damaged").getParent());
      Files.createSymbolicLink(app.currentLink("damaged"), app.currentLink("healthy"));

      assertBrokenTag("damaged", Damage.SYMLINK, app.currentLink("damaged"));
    }

    @Test
    void currentFolderThatIsALinkToAnotherTagsCurrentFolder() throws IOException {
      Files.createDirectories(app.tagDir("damaged"));
      Files.createSymbolicLink(
          app.tagDir("damaged").resolve("current"), app.currentLink("healthy").getParent());

      // Read through, the tag would report healthy's digest, layers and size as its own.
      assertBrokenTag(
          "damaged", Damage.SYMLINK, path("/v2/repositories/app/_manifests/tags/damaged/current"));
    }

    @Test
    void blobFolderThatIsALinkToAnotherManifestsFolder() throws IOException {
      Digest linked = new Digest("sha256", "12".repeat(32));
      Path folder = blob(linked).getParent();
      Files.createDirectories(folder.getParent());
      Files.createSymbolicLink(folder, blob(healthy.digest()).getParent());
      app.tagLink("damaged", linked.toString());

      // The census and the manifest read meet the same link: one problem, naming the link.
      assertBrokenTag("damaged", Damage.SYMLINK, folder);
    }

    @Test
    void theWholeBlobStoreLinkedElsewhereIsNotReadThrough() throws IOException {
      Path copy = path("/elsewhere/blobs");
      copyTree(path("/v2/blobs"), copy);
      deleteTree(path("/v2/blobs"));
      Files.createSymbolicLink(path("/v2/blobs"), copy);

      Scanner scanner = scanner(new ArrayList<>());
      for (int scan = 0; scan < 2; scan++) {
        Snapshot snapshot = scanner.scan();
        assertThat(snapshot.problems())
            .extracting(ScanProblem::damage, ScanProblem::path)
            .containsExactly(tuple(Damage.SYMLINK, path("/v2/blobs")));
        assertThat(repository(snapshot, "app").tags()).isEmpty();
        assertThat(repository(snapshot, "app").brokenTags())
            .extracting(BrokenTag::name, BrokenTag::reason)
            .containsExactly(tuple("healthy", Damage.SYMLINK));
        // No blob census through the link: no garbage-collection preview either.
        assertThat(snapshot.store().complete()).isFalse();
      }
    }

    @Test
    void manifestBlobDataThatIsALinkToAValidManifest() throws IOException {
      Digest linked = new Digest("sha256", "11".repeat(32));
      Files.createDirectories(blob(linked).getParent());
      Files.createSymbolicLink(blob(linked), blob(healthy.digest()));
      app.tagLink("damaged", linked.toString());

      assertBrokenTag("damaged", Damage.SYMLINK, blob(linked));
    }

    @Test
    void schema1LayerBlobDataThatIsALink() throws IOException {
      Blob linked = absentLayer(50);
      Files.createDirectories(blob(linked.digest()).getParent());
      Files.createSymbolicLink(blob(linked.digest()), blob(tree.layer(50).digest()));
      app.tag("damaged", schema1(tree.layer(10), linked));

      assertBrokenTag("damaged", Damage.SYMLINK, blob(linked.digest()));
    }
  }

  /**
   * The garbage collector and deletes run while a scan walks; the file system really loses the
   * files.
   */
  @Nested
  class VanishingFiles {
    @Test
    void tagFolderDeletedAfterTheTagsFolderWasListedIsGoneNotBroken() throws IOException {
      app.tag("doomed", image(tree.layer(3)));
      VanishingTreeReader vanishing =
          new VanishingTreeReader()
              .deleteAfterListing(
                  path("/v2/repositories/app/_manifests/tags"), app.tagDir("doomed"));
      reader = vanishing;
      List<ScanProblem> logged = new ArrayList<>();
      Scanner scanner = scanner(logged);

      Snapshot first = scanner.scan();
      assertThat(vanishing.allFired()).isTrue();
      // A manifest delete removes the tags that name it: the tag is simply gone, as the registry's
      // tags list says, and nothing is counted.
      assertThat(repository(first, "app").tags())
          .extracting(TagStats::name)
          .containsExactly("healthy");
      assertThat(repository(first, "app").brokenTags()).isEmpty();
      assertThat(first.problems()).isEmpty();

      Snapshot second = scanner.scan();
      assertHealthyTagFullyCounted(second);
      assertThat(second.problems()).isEmpty();
      assertThat(logged).isEmpty();
    }

    @Test
    void repositoryFolderDeletedAfterItsParentWasListed() throws IOException {
      tree.repo("doomed").tag("v1", image(tree.layer(3)));
      VanishingTreeReader vanishing =
          new VanishingTreeReader()
              .deleteAfterListing(path("/v2/repositories"), path("/v2/repositories/doomed"));
      reader = vanishing;
      List<ScanProblem> logged = new ArrayList<>();

      Snapshot first =
          scanExpecting(scanner(logged), logged, Damage.VANISHED, path("/v2/repositories/doomed"));

      assertThat(vanishing.allFired()).isTrue();
      assertThat(first.repositories()).extracting(RepositoryStats::name).containsExactly("app");
    }

    @Test
    void repositoryFolderDeletedAfterTheWalkFoundItVanishedAndHasNoMissingTagsFolder()
        throws IOException {
      tree.repo("doomed").tag("v1", image(tree.layer(3)));
      VanishingTreeReader vanishing =
          new VanishingTreeReader()
              .deleteAfterListing(path("/v2/repositories/doomed"), path("/v2/repositories/doomed"));
      reader = vanishing;
      List<ScanProblem> logged = new ArrayList<>();

      scanExpecting(scanner(logged), logged, Damage.VANISHED, path("/v2/repositories/doomed"));

      assertThat(vanishing.allFired()).isTrue();
    }

    @Test
    void manifestBlobDeletedAfterTheLinkWasRead() throws IOException {
      Manifest doomed = image(tree.layer(3));
      app.tag("damaged", doomed);
      VanishingTreeReader vanishing =
          new VanishingTreeReader()
              .deleteAfterReading(app.currentLink("damaged"), blob(doomed.digest()));
      reader = vanishing;

      assertBrokenTag("damaged", Damage.MISSING_BLOB, blob(doomed.digest()));
      assertThat(vanishing.allFired()).isTrue();
    }

    @Test
    void childManifestCollectedBetweenTwoScansIsMissingOnTheSecondNotRememberedFromTheFirst()
        throws IOException {
      Manifest arm64 = image(tree.layer(40));
      app.tag(
          "multi",
          manifestList(child("linux/amd64", image(tree.layer(30))), child("linux/arm64", arm64)));
      List<ScanProblem> logged = new ArrayList<>();
      Scanner scanner = scanner(logged);
      assertThat(tag(scanner.scan(), "app", "multi").sizeBytes()).isEqualTo(70);

      // garbage-collect --delete-untagged sweeps the children of tagged indexes in 2.8
      // (distribution#3178); it
      // removes the blob's whole folder.
      Files.delete(blob(arm64.digest()));
      Files.delete(blob(arm64.digest()).getParent());

      Snapshot after = scanExpecting(scanner, logged, Damage.MISSING_BLOB, blob(arm64.digest()));
      assertThat(repository(after, "app").brokenTags())
          .extracting(BrokenTag::name, BrokenTag::reason)
          .containsExactly(tuple("multi", Damage.MISSING_BLOB));
    }
  }

  // ---- what every damage case must show
  // ------------------------------------------------------------------

  /**
   * The damaged tag of {@code app} is broken for {@code reason} in two scans; {@code healthy} is
   * its only tag.
   */
  private void assertBrokenTag(String tag, Damage reason, Path file) throws IOException {
    assertDamage(
        reason,
        file,
        snapshot -> {
          assertThat(repository(snapshot, "app").brokenTags())
              .extracting(BrokenTag::name, BrokenTag::reason)
              .containsExactly(tuple(tag, reason));
          assertThat(repository(snapshot, "app").tags())
              .extracting(TagStats::name)
              .containsExactly("healthy");
        });
  }

  /**
   * Scans twice with one scanner: both scans count exactly one problem, {@code damage} at {@code
   * file}, keep the healthy tag whole and satisfy {@code alsoTrue}; only the first logs, one line
   * naming the file.
   */
  private void assertDamage(Damage damage, Path file, Consumer<Snapshot> alsoTrue)
      throws IOException {
    List<ScanProblem> logged = new ArrayList<>();
    Scanner scanner = scanner(logged);
    alsoTrue.accept(scanExpecting(scanner, logged, damage, file));
    alsoTrue.accept(scanExpecting(scanner, logged, damage, file));
  }

  private Snapshot scanExpecting(
      Scanner scanner, List<ScanProblem> logged, Damage damage, Path file) throws IOException {
    Snapshot snapshot = scanner.scan();
    assertHealthyTagFullyCounted(snapshot);
    assertThat(snapshot.problems())
        .extracting(ScanProblem::damage, ScanProblem::path)
        .containsExactly(tuple(damage, file));
    assertThat(snapshot.problemCounts()).containsExactly(entry(damage, 1L));
    assertThat(logged)
        .singleElement()
        .satisfies(
            line -> {
              assertThat(line.damage()).isEqualTo(damage);
              assertThat(line.path()).isEqualTo(file);
              assertThat(line.toString()).contains(file.toString()).doesNotContain("\n", "\r");
            });
    return snapshot;
  }

  private void assertHealthyTagFullyCounted(Snapshot snapshot) {
    TagStats stats = tag(snapshot, "app", "healthy");
    assertThat(stats.digest()).isEqualTo(healthy.digest());
    assertThat(stats.layers()).isEqualTo(2);
    assertThat(stats.sizeBytes()).isEqualTo(120);
  }

  private Scanner scanner(List<ScanProblem> logged) {
    return new Scanner(tree.layout(), reader, Scans.CLOCK, logged::add);
  }

  // ---- trees
  // -------------------------------------------------------------------------------------------------

  private Path path(String path) {
    return fs.getPath(path);
  }

  /**
   * Where the registry keeps a blob, spelled out by hand: {@code blobs/sha256/<2 hex>/<hex>/data}.
   */
  private Path blob(Digest digest) {
    return fs.getPath(
        "/v2/blobs", digest.algorithm(), digest.hex().substring(0, 2), digest.hex(), "data");
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (var paths = Files.walk(from)) {
      for (Path source : paths.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** A Docker image manifest whose one layer has {@code size} as written, JSON and all. */
  private static Manifest imageWithLayerSize(String size) {
    return raw(
        """
        {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
         "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 1234,
                    "digest": "sha256:%s"},
         "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": %s,
                     "digest": "sha256:%s"}]}
        """
            .formatted("1".repeat(64), size, "2".repeat(64)));
  }

  /**
   * {@code levels} OCI indexes each holding the next; the innermost holds {@code image} for
   * linux/amd64.
   */
  private static Manifest nested(int levels, Manifest image) {
    Manifest manifest = ociIndex(child("linux/amd64", image));
    for (int level = 2; level <= levels; level++) {
      manifest = ociIndex(child(null, manifest));
    }
    return manifest;
  }

  /** JSON followed by spaces up to exactly {@code length} bytes: still valid JSON. */
  private static byte[] paddedWithSpaces(byte[] json, int length) {
    byte[] padded = Arrays.copyOf(json, length);
    Arrays.fill(padded, json.length, length, (byte) ' ');
    return padded;
  }
}
