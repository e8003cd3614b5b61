package dev.regscope.hygiene;

import static dev.regscope.testing.HygieneScenario.APP;
import static dev.regscope.testing.HygieneScenario.BASE;
import static dev.regscope.testing.HygieneScenario.MULTI;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.regscope.core.Damage;
import dev.regscope.core.Digest;
import dev.regscope.model.Reclaimable;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.Snapshot;
import dev.regscope.model.TagStats;
import dev.regscope.model.UploadStats;
import dev.regscope.scan.Scanner;
import dev.regscope.storage.InvalidStorageRootException;
import dev.regscope.storage.NioTreeReader;
import dev.regscope.storage.StorageLayout;
import dev.regscope.testing.GarbageCollector;
import dev.regscope.testing.GarbageCollector.Collected;
import dev.regscope.testing.GarbageCollector.Mode;
import dev.regscope.testing.GcReport;
import dev.regscope.testing.HygieneScenario;
import dev.regscope.testing.HygieneScenario.Pushed;
import dev.regscope.testing.Image;
import dev.regscope.testing.RegistryClient;
import dev.regscope.testing.RegistryHttpException;
import dev.regscope.testing.RegistryProcess;
import dev.regscope.testing.Scans;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * regscope's garbage-collection answers on the storage of a real registry (Debian's docker-registry
 * 2.8), checked blob by blob against the registry's own collector: its dry runs say what would go,
 * its real runs delete it, and regscope's scans before and after must agree with both. {@link
 * HygieneScenario} is pushed once; real runs work on copies of its storage, so every test starts
 * from the same tree.
 */
@Timeout(300)
class RealRegistryGarbageCollectionTest {

  @TempDir static Path scenarioDir;

  private static RegistryProcess registry;
  private static GarbageCollector collector;
  private static Pushed pushed;
  private static Snapshot scanned;
  private static GcReport unreferenced;
  private static GcReport untagged;

  @BeforeAll
  static void pushScanAndDryRun() {
    registry = RegistryProcess.start(scenarioDir);
    pushed = new HygieneScenario().pushAll(registry.client());
    scanned = scan(scannerOf(registry));
    collector = GarbageCollector.of(registry);
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
  void theScanReadsTheScenarioWithoutDamageAndSeesTheUnfinishedUpload() {
    assertThat(scanned.problems()).isEmpty();
    assertThat(scanned.store().complete()).isTrue();
    assertThat(scanned.store().blobs()).isEqualTo(pushed.allBlobs().size());
    assertThat(scanned.store().blobBytes()).isEqualTo(pushed.bytes(pushed.allBlobs()));
    // The upload's bytes sit under _uploads, not blobs/: no collector deletes them, and no blob
    // count holds them.
    assertThat(scanned.uploads())
        .extracting(UploadStats::repository, UploadStats::count, UploadStats::bytes)
        .containsExactly(tuple(APP, 1, pushed.upload().bytes()));
  }

  @Test
  void unreferencedIsWhatThePlainCollectorWouldDelete() {
    Reclaimable predicted = scanned.store().unreferenced();
    assertThat(strings(predicted))
        .as(unreferenced.describe())
        .isEqualTo(unreferenced.eligibleBlobs());
    // The deleted manifest with its config and own layer, and the loose blob.
    assertThat(predicted.blobs()).hasSize(4);
    assertThat(predicted.blobs()).doesNotHaveDuplicates();
    assertThat(predicted.bytes()).isEqualTo(unreferenced.eligibleBytes(registry.storageRoot()));
  }

  @Test
  void untaggedIsWhatTheUntaggedCollectorWouldDeleteIfItKeptTheChildrenOfTaggedIndexes() {
    GcReport correct = untagged.untaggedKeepingIndexChildren(unreferenced);
    Reclaimable predicted = scanned.store().untagged();
    assertThat(strings(predicted)).as(correct.describe()).isEqualTo(correct.eligibleBlobs());
    // Also the moved tag's old manifest and the digest-only one, each with its config and own
    // layer.
    assertThat(predicted.blobs()).hasSize(4 + 2 * 3);
    assertThat(predicted.blobs()).doesNotHaveDuplicates();
    assertThat(predicted.bytes()).isEqualTo(correct.eligibleBytes(registry.storageRoot()));
  }

  @Test
  void whatRegistry28DeletesBeyondThatIsWhatOnlyTheChildrenOfTaggedIndexesReference() {
    SortedSet<String> beyond = new TreeSet<>(untagged.eligibleBlobs());
    beyond.removeAll(strings(scanned.store().untagged()));
    assertThat(untagged.eligibleBlobs()).containsAll(strings(scanned.store().untagged()));

    // distribution#3178: 2.8 drops every child of a tagged index that carries no tag of its own.
    // The child
    // manifests' blobs stay (the index still marks them); their configs and layers go unless
    // something else
    // references them.
    List<Image> dropped = new ArrayList<>(pushed.ociIndex().children());
    dropped.add(pushed.manifestList().children().get(1));
    Set<String> droppedDigests = new TreeSet<>();
    dropped.forEach(child -> droppedDigests.add(child.digest()));
    SortedSet<String> onlyTheirs = new TreeSet<>();
    dropped.forEach(child -> onlyTheirs.addAll(pushed.references().get(child.digest())));
    pushed
        .references()
        .forEach(
            (manifest, refs) -> {
              if (!droppedDigests.contains(manifest)) {
                onlyTheirs.removeAll(refs);
              }
            });
    // Each dropped child has a config and a layer of its own; the amd64 one's other layer is
    // shared.
    assertThat(onlyTheirs).hasSize(2 * dropped.size());
    assertThat(beyond).as(untagged.describe()).isEqualTo(onlyTheirs);
  }

  @Test
  void deleteUntaggedBreaksTheTagsOfIndexesWithAnUntaggedChild() {
    // "oci": none of its children has a tag. "docker": its arm64 child has none ("docker-amd64"
    // names the other).
    // "docker-amd64" names an image, which loses nothing.
    assertThat(brokenByDeleteUntagged(scanned)).isEqualTo(Map.of(APP, 0L, BASE, 0L, MULTI, 2L));
  }

  @Test
  void afterThePlainCollectorRunsNothingIsUnreferencedAndThePredictedBytesAreFreed(
      @TempDir Path copyDir) {
    RegistryProcess copy = startOnCopy(copyDir);
    Scanner sidecar = scannerOf(copy);
    Snapshot before = scan(sidecar);
    assertThat(strings(before.store().unreferenced()))
        .isEqualTo(strings(scanned.store().unreferenced()));

    Collected collected = collector.collect(copy, Mode.UNREFERENCED);
    try (RegistryProcess restarted = collected.registry()) {
      assertThat(collected.report().eligibleBlobs()).isEqualTo(unreferenced.eligibleBlobs());
      for (Snapshot after : List.of(scan(sidecar), scan(scannerOf(restarted)))) {
        assertThat(after.problems()).isEmpty();
        assertThat(after.store().unreferenced().blobs()).isEmpty();
        assertThat(after.store().unreferenced().bytes()).isZero();
        assertThat(before.store().blobBytes() - after.store().blobBytes())
            .isEqualTo(before.store().unreferenced().bytes());
        assertThat(before.store().blobs() - after.store().blobs())
            .isEqualTo(before.store().unreferenced().blobs().size());
        assertThat(after.repositories()).isEqualTo(before.repositories());
        assertThat(after.uploads()).isEqualTo(before.uploads());
        // What --delete-untagged would take now is what it would have taken before, less what is
        // gone.
        SortedSet<String> untaggedNow = strings(before.store().untagged());
        untaggedNow.removeAll(strings(before.store().unreferenced()));
        assertThat(strings(after.store().untagged())).isEqualTo(untaggedNow);
      }
      // The collector agrees: on the collected storage its dry runs find what regscope says.
      GcReport plainAgain = collector.dryRun(restarted, Mode.UNREFERENCED);
      assertThat(plainAgain.eligibleBlobs()).isEmpty();
      GcReport untaggedAgain = collector.dryRun(restarted, Mode.UNTAGGED);
      assertThat(strings(scan(sidecar).store().untagged()))
          .isEqualTo(untaggedAgain.untaggedKeepingIndexChildren(plainAgain).eligibleBlobs());
    }
  }

  @Test
  void theUntaggedCollectorBreaksTheTagsRegscopePredictedAndLosesTheBlobsRegscopeWouldHaveKept(
      @TempDir Path copyDir) {
    RegistryProcess copy = startOnCopy(copyDir);
    Scanner sidecar = scannerOf(copy);
    Snapshot before = scan(sidecar);
    assertThat(unpullableTags(copy, before)).isEmpty();
    Map<String, Long> predicted = brokenByDeleteUntagged(before);

    Collected collected = collector.collect(copy, Mode.UNTAGGED);
    try (RegistryProcess restarted = collected.registry()) {
      assertThat(collected.report().eligibleBlobs()).isEqualTo(untagged.eligibleBlobs());
      // The registry's own answers: which tags can no longer be pulled whole.
      Map<String, SortedSet<String>> unpullable = unpullableTags(restarted, before);
      assertThat(unpullable)
          .isEqualTo(
              Map.of(
                  MULTI,
                  new TreeSet<>(List.of(pushed.ociIndex().tag(), pushed.manifestList().tag()))));
      Map<String, Long> broken = new TreeMap<>();
      predicted.keySet().forEach(repo -> broken.put(repo, 0L));
      unpullable.forEach((repo, tags) -> broken.put(repo, (long) tags.size()));
      assertThat(broken).isEqualTo(predicted);

      SortedSet<String> lost = new TreeSet<>(untagged.eligibleBlobs());
      lost.removeAll(strings(before.store().untagged()));
      for (Snapshot after : List.of(scan(sidecar), scan(scannerOf(restarted)))) {
        assertThat(after.problems()).isEmpty();
        assertThat(before.store().blobBytes() - after.store().blobBytes())
            .isEqualTo(untagged.eligibleBytes(registry.storageRoot()))
            .isEqualTo(before.store().untagged().bytes() + pushed.bytes(lost));
        assertThat(after.store().unreferenced().blobs()).isEmpty();
        assertThat(after.store().untagged().blobs()).isEmpty();
        // The configs and layers of the dropped children are what the tagged indexes now miss;
        // nothing is left
        // for another --delete-untagged to break.
        Map<String, Long> missing = new TreeMap<>();
        after.repositories().forEach(r -> missing.put(r.name(), r.hygiene().missingBlobs()));
        assertThat(missing).isEqualTo(Map.of(APP, 0L, BASE, 0L, MULTI, (long) lost.size()));
        assertThat(brokenByDeleteUntagged(after)).isEqualTo(Map.of(APP, 0L, BASE, 0L, MULTI, 0L));
        // 2.8 keeps the children's manifest blobs (the tagged index marks them) but drops their
        // revision links, so the registry answers 404 for them: regscope counts exactly the tags
        // the registry no longer serves as broken (missing_revision), and still counts them as
        // tags.
        assertThat(after.repositories())
            .extracting(RepositoryStats::name, RepositoryStats::tagCount)
            .isEqualTo(
                before.repositories().stream().map(r -> tuple(r.name(), r.tagCount())).toList());
        Map<String, SortedSet<String>> broken2 = new TreeMap<>();
        after
            .repositories()
            .forEach(
                r ->
                    r.brokenTags()
                        .forEach(
                            b -> {
                              assertThat(b.reason()).isEqualTo(Damage.MISSING_REVISION);
                              broken2.computeIfAbsent(r.name(), n -> new TreeSet<>()).add(b.name());
                            }));
        assertThat(broken2).isEqualTo(unpullable);
      }
    }
  }

  /**
   * The tags of {@code scanned} that {@code registry} no longer serves whole, by repository: the
   * tag's manifest, each child manifest by digest, and each config and layer must answer. What each
   * manifest references is known from the scenario, not from regscope.
   */
  private static Map<String, SortedSet<String>> unpullableTags(
      RegistryProcess registry, Snapshot scanned) {
    RegistryClient client = registry.client();
    Map<String, SortedSet<String>> unpullable = new TreeMap<>();
    for (RepositoryStats repository : scanned.repositories()) {
      for (TagStats tag : repository.tags()) {
        if (!pullable(client, repository.name(), tag.name())) {
          unpullable.computeIfAbsent(repository.name(), r -> new TreeSet<>()).add(tag.name());
        }
      }
    }
    return unpullable;
  }

  private static boolean pullable(RegistryClient client, String repo, String reference) {
    String digest;
    try {
      digest = client.getManifest(repo, reference).digest();
    } catch (RegistryHttpException e) {
      if (e.status() == 404) {
        return false;
      }
      throw e;
    }
    for (String ref : pushed.references().get(digest)) {
      boolean answers =
          pushed.references().containsKey(ref)
              ? pullable(client, repo, ref)
              : client.hasBlob(repo, ref);
      if (!answers) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, Long> brokenByDeleteUntagged(Snapshot snapshot) {
    Map<String, Long> byRepository = new TreeMap<>();
    for (RepositoryStats repository : snapshot.repositories()) {
      byRepository.put(repository.name(), repository.hygiene().deleteUntaggedBrokenTags());
    }
    return byRepository;
  }

  private static SortedSet<String> strings(Reclaimable reclaimable) {
    SortedSet<String> digests = new TreeSet<>();
    for (Digest digest : reclaimable.blobs()) {
      digests.add(digest.toString());
    }
    return digests;
  }

  /** A new scanner of the registry's storage, with a cold cache. */
  private static Scanner scannerOf(RegistryProcess registry) {
    try {
      return new Scanner(
          StorageLayout.locate(registry.storageRoot()),
          new NioTreeReader(),
          Scans.CLOCK,
          problem -> {});
    } catch (InvalidStorageRootException e) {
      throw new AssertionError(e);
    }
  }

  private static Snapshot scan(Scanner scanner) {
    try {
      return scanner.scan();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
}
