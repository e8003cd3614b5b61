package dev.regscope.testing;

import static dev.regscope.testing.HygieneScenario.APP;
import static dev.regscope.testing.HygieneScenario.BASE;
import static dev.regscope.testing.HygieneScenario.MULTI;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regscope.testing.GarbageCollector.Collected;
import dev.regscope.testing.GarbageCollector.Mode;
import dev.regscope.testing.GcReport.EligibleManifest;
import dev.regscope.testing.HygieneScenario.Pushed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real collector on {@link HygieneScenario}: its dry-run output read by {@link GcReport} agrees
 * with facts known by hand from the scenario, and a real run deletes exactly what the dry run
 * called eligible. The scenario is pushed once; the real runs work on copies of its storage.
 */
@Timeout(300)
class GarbageCollectorTest {

  @TempDir static Path scenarioDir;

  private static RegistryProcess registry;
  private static GarbageCollector collector;
  private static Pushed pushed;
  private static GcReport unreferenced;
  private static GcReport untagged;

  @BeforeAll
  static void pushScenarioAndDryRun() {
    registry = RegistryProcess.start(scenarioDir);
    pushed = new HygieneScenario().pushAll(registry.client());
    collector = GarbageCollector.of(registry);
    // The registry keeps serving: a dry run only reads the storage.
    unreferenced = collector.dryRun(registry, Mode.UNREFERENCED);
    untagged = collector.dryRun(registry, Mode.UNTAGGED);
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void walksTheRepositoriesAndMarksEveryRevision() {
    assertThat(unreferenced.repositories()).containsExactly(APP, BASE, MULTI);
    assertThat(unreferenced.markedManifests().get(BASE)).containsExactly(pushed.base().digest());
    // The moved tag's old manifest and the one pushed by digest are revisions; the deleted one is
    // not.
    assertThat(unreferenced.markedManifests().get(APP))
        .containsExactlyInAnyOrder(
            pushed.movedTag().from().digest(),
            pushed.movedTag().to().digest(),
            pushed.untagged().digest());
    Set<String> multi = new TreeSet<>();
    multi.add(pushed.ociIndex().index().digest());
    multi.addAll(pushed.ociIndex().childDigests());
    multi.add(pushed.manifestList().index().digest());
    multi.addAll(pushed.manifestList().childDigests());
    assertThat(unreferenced.markedManifests().get(MULTI))
        .containsExactlyInAnyOrderElementsOf(multi);
    assertThat(unreferenced.eligibleManifests()).isEmpty();
  }

  @Test
  void aLayerSharedByEveryRepositoryIsExclusiveToNone() {
    Image base = pushed.base();
    assertThat(pushed.exclusiveTo(BASE))
        .containsExactlyInAnyOrder(
            base.digest(), base.config().digest(), base.layers().get(1).digest());
    assertThat(pushed.repositories())
        .allSatisfy(
            repo -> {
              assertThat(pushed.exclusiveTo(repo)).doesNotContain(pushed.sharedLayer().digest());
              assertThat(unreferenced.markedBlobs().get(repo))
                  .contains(pushed.sharedLayer().digest());
            });
  }

  @Test
  void marksWhatEachManifestReferences() {
    Image base = pushed.base();
    assertThat(unreferenced.marks().get(BASE).get(base.digest()))
        .containsExactly(
            base.config().digest(), base.layers().get(0).digest(), base.layers().get(1).digest());
    // An index marks its manifests[].digest, in order, and nothing of its children's own blobs.
    assertThat(unreferenced.marks().get(MULTI).get(pushed.ociIndex().index().digest()))
        .containsExactlyElementsOf(pushed.ociIndex().childDigests());
    assertThat(unreferenced.marks().get(MULTI).get(pushed.manifestList().index().digest()))
        .containsExactlyElementsOf(pushed.manifestList().childDigests());
    assertThat(unreferenced.markedBlobs().get(APP)).contains(pushed.sharedLayer().digest());
  }

  @Test
  void unreferencedBlobsAreTheDeletedManifestWithWhatOnlyItReferencedAndTheLooseBlob() {
    SortedSet<String> expected = new TreeSet<>(pushed.onlyReferencedBy(pushed.deleted()));
    expected.add(pushed.looseBlob().digest());
    // The deleted manifest, its config and its own layer; not the layer it shared.
    assertThat(pushed.onlyReferencedBy(pushed.deleted())).hasSize(3);
    assertThat(unreferenced.eligibleBlobs()).as(unreferenced.describe()).isEqualTo(expected);
    assertThat(unreferenced.eligibleBlobs()).doesNotContain(pushed.sharedLayer().digest());
    assertThat(unreferenced.summary())
        .isEqualTo(new GcReport.Summary(pushed.allBlobs().size() - 4, 4, 0));
    assertThat(unreferenced.eligibleBytes(registry.storageRoot()))
        .isEqualTo(pushed.bytes(expected));
  }

  @Test
  void untaggedModeDropsTheMovedTagsOldManifestTheDigestOnlyOneAndTheTaggedIndexesChildren() {
    List<EligibleManifest> expected = new ArrayList<>();
    expected.add(new EligibleManifest(APP, pushed.movedTag().from().digest()));
    expected.add(new EligibleManifest(APP, pushed.untagged().digest()));
    // distribution#3178: children of a tagged index have no tag of their own, so 2.8 drops them...
    pushed
        .ociIndex()
        .childDigests()
        .forEach(child -> expected.add(new EligibleManifest(MULTI, child)));
    // ...except a child that a tag names directly.
    expected.add(new EligibleManifest(MULTI, pushed.manifestList().children().get(1).digest()));
    assertThat(pushed.manifestList().children().get(0)).isEqualTo(pushed.childTag().child());
    assertThat(untagged.eligibleManifests())
        .as(untagged.describe())
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(untagged.summary().manifestsEligible()).isEqualTo(6);
  }

  @Test
  void untaggedModeSweepsWhatOnlyTheDroppedManifestsReferencedButNotTheChildManifestBlobs() {
    SortedSet<String> expected = new TreeSet<>(unreferenced.eligibleBlobs());
    for (String dropped : untagged.eligibleManifestDigests()) {
      expected.addAll(pushed.onlyReferencedBy(artifact(dropped)));
    }
    assertThat(untagged.eligibleBlobs()).as(untagged.describe()).isEqualTo(expected);
    // The tagged index still marks its children's manifest blobs; only their configs and layers go.
    assertThat(untagged.eligibleBlobs())
        .doesNotContainAnyElementsOf(pushed.ociIndex().childDigests());
    assertThat(untagged.eligibleBlobs())
        .contains(
            pushed.movedTag().from().digest(),
            pushed.ociIndex().children().get(1).layers().get(0).digest());
    // A layer shared with a tagged image stays, whoever else dropped it.
    assertThat(untagged.eligibleBlobs()).doesNotContain(pushed.sharedLayer().digest());
  }

  @Test
  void keepingIndexChildrenLeavesOnlyTheTrulyUntaggedManifestsAndWhatOnlyTheyReference() {
    GcReport kept = untagged.untaggedKeepingIndexChildren(unreferenced);
    assertThat(kept.eligibleManifests())
        .containsExactlyInAnyOrder(
            new EligibleManifest(APP, pushed.movedTag().from().digest()),
            new EligibleManifest(APP, pushed.untagged().digest()));
    SortedSet<String> expected = new TreeSet<>(unreferenced.eligibleBlobs());
    expected.addAll(pushed.onlyReferencedBy(pushed.movedTag().from()));
    expected.addAll(pushed.onlyReferencedBy(pushed.untagged()));
    assertThat(kept.eligibleBlobs()).as(kept.describe()).isEqualTo(expected);
    assertThat(kept.markedManifests().get(MULTI))
        .isEqualTo(unreferenced.markedManifests().get(MULTI));
    assertThat(kept.summary().manifestsEligible()).isEqualTo(2);
  }

  @Test
  void keepingIndexChildrenRefusesReportsOfDifferentStorage() {
    assertThatThrownBy(() -> unreferenced.untaggedKeepingIndexChildren(untagged))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not of the same storage");
  }

  @Test
  void realRunDeletesExactlyTheEligibleBlobsAndLeavesUploadsAlone(@TempDir Path copyDir) {
    RegistryProcess copy = startOnCopy(copyDir);
    Set<String> before = blobsOnDisk(copy.storageRoot());
    assertThat(before).isEqualTo(pushed.allBlobs());
    Collected collected = collector.collect(copy, Mode.UNREFERENCED);
    try (RegistryProcess restarted = collected.registry()) {
      assertThat(collected.report()).isEqualTo(unreferenced);
      Set<String> after = new TreeSet<>(before);
      after.removeAll(unreferenced.eligibleBlobs());
      assertThat(blobsOnDisk(copy.storageRoot())).isEqualTo(after);
      Path upload =
          copy.storageRoot()
              .resolve("docker/registry/v2/repositories")
              .resolve(APP)
              .resolve("_uploads")
              .resolve(pushed.upload().uuid())
              .resolve("data");
      assertThat(upload).hasSize(pushed.upload().bytes());

      RegistryClient client = restarted.client();
      assertThat(client.getManifest(BASE, "1").digest()).isEqualTo(pushed.base().digest());
      assertThat(client.hasBlob(APP, pushed.looseBlob().digest())).isFalse();
    }
  }

  @Test
  void realUntaggedRunDeletesTheUntaggedRevisionsAndBreaksTheTaggedIndex(@TempDir Path copyDir) {
    Collected collected = collector.collect(startOnCopy(copyDir), Mode.UNTAGGED);
    try (RegistryProcess restarted = collected.registry()) {
      assertThat(collected.report()).isEqualTo(untagged);
      Set<String> after = new TreeSet<>(pushed.allBlobs());
      after.removeAll(untagged.eligibleBlobs());
      assertThat(blobsOnDisk(restarted.storageRoot())).isEqualTo(after);
      for (EligibleManifest gone : untagged.eligibleManifests()) {
        assertThat(revisionLink(restarted.storageRoot(), gone.repository(), gone.digest()))
            .doesNotExist();
      }

      RegistryClient client = restarted.client();
      assertThat(client.getManifest(MULTI, "oci").digest())
          .isEqualTo(pushed.ociIndex().index().digest());
      assertThat(client.getManifest(MULTI, "docker-amd64").digest())
          .isEqualTo(pushed.childTag().child().digest());
      // distribution#3178: the tagged index survives, its children do not.
      String child = pushed.ociIndex().childDigests().get(0);
      assertThatThrownBy(() -> client.getManifest(MULTI, child))
          .isInstanceOfSatisfying(
              RegistryHttpException.class, e -> assertThat(e.status()).isEqualTo(404));
    }
  }

  private static Artifact artifact(String digest) {
    List<Artifact> all =
        new ArrayList<>(
            List.of(
                pushed.base(),
                pushed.movedTag().from(),
                pushed.movedTag().to(),
                pushed.deleted(),
                pushed.untagged(),
                pushed.ociIndex().index(),
                pushed.manifestList().index()));
    all.addAll(pushed.ociIndex().children());
    all.addAll(pushed.manifestList().children());
    return all.stream()
        .filter(a -> a.digest().equals(digest))
        .findFirst()
        .orElseThrow(() -> new AssertionError("the scenario pushed no manifest " + digest));
  }

  /**
   * A registry on a copy of the scenario's storage, so that a real run leaves the dry runs' storage
   * as it was.
   */
  private static RegistryProcess startOnCopy(Path copyDir) {
    copyTree(registry.storageRoot(), copyDir.resolve("storage"));
    return RegistryProcess.start(registry.binary(), copyDir, "");
  }

  private static void copyTree(Path from, Path to) {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
    }
  }

  /** The digests of every {@code blobs/sha256/<2>/<hex>/data} in the storage. */
  private static Set<String> blobsOnDisk(Path storageRoot) {
    Path blobs = storageRoot.resolve("docker/registry/v2/blobs/sha256");
    try (Stream<Path> paths = Files.walk(blobs)) {
      return paths
          .filter(p -> p.getFileName().toString().equals("data"))
          .map(p -> "sha256:" + p.getParent().getFileName())
          .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + blobs, e);
    }
  }

  private static Path revisionLink(Path storageRoot, String repo, String digest) {
    return storageRoot
        .resolve("docker/registry/v2/repositories")
        .resolve(repo)
        .resolve("_manifests/revisions/sha256")
        .resolve(digest.substring("sha256:".length()))
        .resolve("link");
  }
}
