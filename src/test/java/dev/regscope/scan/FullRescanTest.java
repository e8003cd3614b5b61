package dev.regscope.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.Main;
import dev.regscope.core.Damage;
import dev.regscope.model.Snapshot;
import dev.regscope.storage.NioTreeReader;
import dev.regscope.storage.StorageLayout;
import dev.regscope.testing.GarbageCollector;
import dev.regscope.testing.GarbageCollector.Collected;
import dev.regscope.testing.GarbageCollector.Mode;
import dev.regscope.testing.GcReport;
import dev.regscope.testing.Image;
import dev.regscope.testing.ImageFactory;
import dev.regscope.testing.Platform;
import dev.regscope.testing.RegistryProcess;
import dev.regscope.testing.RegistryPull;
import dev.regscope.testing.RegistryPull.Outcome;
import dev.regscope.testing.Scans;
import dev.regscope.testing.SteppedClock;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Change detection on shared storage (issue 10, point 8). A rescan reuses a blob prefix folder
 * whose mtime did not move; on NFS with attribute caching (or a clock skewed from the server's) a
 * changed folder can show its old mtime. That is simulated here on a real registry 2.8's storage: a
 * real {@code garbage-collect} deletes blobs, a manifest blob is lost, and the prefix folders'
 * mtimes are put back. A scan before {@code --full-rescan-interval} has passed still sees the stale
 * folders (which is what the option bounds); the first scan after it agrees with the registry and
 * its collector again.
 */
@Timeout(120)
class FullRescanTest {
  static final Platform AMD64 = Platform.of("linux/amd64");

  @Test
  void aFullRescanRevalidatesWhatStaleFolderMtimesHide(@TempDir Path dir) throws Exception {
    RegistryProcess registry = RegistryProcess.start(dir);
    try {
      ImageFactory images = new ImageFactory(new Random(108));
      images.ociImage(AMD64, images.layer(1000)).push(registry.client(), "app", "v1");
      Image lost = images.ociImage(AMD64, images.layer(900));
      lost.push(registry.client(), "app", "lost");
      images.ociImage(AMD64, images.layer(800)).pushByDigest(registry.client(), "app");

      SteppedClock clock = new SteppedClock(Scans.CLOCK.instant());
      Scanner scanner =
          new Scanner(
              StorageLayout.locate(registry.storageRoot()),
              new NioTreeReader(),
              clock,
              p -> {},
              2,
              RepositoryFilter.ALL,
              Duration.ofHours(1));
      // Let the prefix folders settle (a folder changed within 2 s of a look is looked at again).
      Thread.sleep(2_500);
      Snapshot first = scanner.scan();
      assertThat(first.store().blobs()).isEqualTo(9);
      assertThat(Scans.tag(first, "app", "lost").digest().toString()).isEqualTo(lost.digest());

      // The collector deletes the untagged manifest with its config and layer; a manifest blob is
      // lost; the stale attributes NFS may serve are put back.
      Map<Path, FileTime> mtimes = prefixMtimes(registry);
      Collected collected = GarbageCollector.of(registry).collect(registry, Mode.UNTAGGED);
      registry = collected.registry();
      Files.delete(GcReport.blobData(registry.storageRoot(), lost.digest()));
      mtimes.forEach(FullRescanTest::setMtime);
      GcReport truth = GarbageCollector.of(registry).dryRun(registry, Mode.UNREFERENCED);
      // 2.8 skips a revision whose blob is gone: what only it referenced is eligible now.
      assertThat(truth.eligibleBlobs()).hasSize(2);
      int stored = truth.summary().blobsMarked() + truth.summary().blobsEligible();
      assertThat(RegistryPull.of(registry.client(), "app", "lost").outcome())
          .isEqualTo(Outcome.BROKEN);

      clock.advance(Duration.ofMinutes(59));
      Snapshot stale = scanner.scan();
      // What the option bounds: the reused folders still hold the deleted blobs.
      assertThat(stale.store().blobs()).isEqualTo(first.store().blobs());
      assertThat(Scans.repository(stale, "app").brokenTags()).isEmpty();

      clock.advance(Duration.ofMinutes(1));
      Snapshot full = scanner.scan();
      assertThat(full.store().blobs()).isEqualTo(stored).isEqualTo(5);
      assertThat(Scans.broken(full, "app", "lost").reason()).isEqualTo(Damage.MISSING_BLOB);
      assertThat(Digests.of(full.store().unreferenced().blobs())).isEqualTo(truth.eligibleBlobs());
    } finally {
      registry.close();
    }
  }

  @Test
  void aBlobUnlinkedBetweenFullRescansIsSeenAtTheNextOneAndOneLinkedAgainAtOnce(@TempDir Path dir)
      throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir)) {
      ImageFactory images = new ImageFactory(new Random(208));
      Image image = images.ociImage(AMD64, images.layer(1000), images.layer(500));
      image.push(registry.client(), "app", "v1");
      String layer = image.layers().get(1).digest();
      SteppedClock clock = new SteppedClock(Scans.CLOCK.instant());
      Scanner scanner =
          new Scanner(
              StorageLayout.locate(registry.storageRoot()),
              new NioTreeReader(),
              clock,
              p -> {},
              2,
              RepositoryFilter.ALL,
              Duration.ofHours(1));
      assertThat(scanner.scan().repositories().get(0).hygiene().unpullableTags()).isEmpty();

      // Blob links outnumber tags: between full rescans only their folders are listed, and
      // DELETE /v2/<name>/blobs/<digest> leaves the folder. What the option bounds:
      registry.client().deleteBlob("app", layer);
      assertThat(RegistryPull.of(registry.client(), "app", "v1").outcome())
          .isEqualTo(Outcome.UNPULLABLE);
      clock.advance(Duration.ofMinutes(30));
      assertThat(scanner.scan().repositories().get(0).hygiene().unpullableTags()).isEmpty();

      clock.advance(Duration.ofMinutes(30));
      Snapshot full = scanner.scan();
      assertThat(Scans.unpullable(full, "app", "v1").reason()).isEqualTo(Damage.MISSING_LAYER_LINK);
      assertThat(Scans.unpullable(full, "app", "v1").missing())
          .extracting(Object::toString)
          .containsExactly(layer);

      // Pushed again, the blob is linked again: seen by the next scan, full or not.
      registry.client().pushBlob("app", image.layers().get(1));
      assertThat(RegistryPull.of(registry.client(), "app", "v1").outcome())
          .isEqualTo(Outcome.PULLABLE);
      clock.advance(Duration.ofMinutes(1));
      assertThat(scanner.scan().repositories().get(0).hygiene().unpullableTags()).isEmpty();
    }
  }

  @Test
  void theOptionIsADurationAndABadOneIsAUsageError(@TempDir Path dir) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertThat(
            Main.run(
                new String[] {"scan", "--full-rescan-interval", "0", dir.toString()},
                new PrintWriter(out),
                new PrintWriter(err)))
        .isZero();
    assertThat(
            Main.run(
                new String[] {"scan", "--full-rescan-interval", "soon", dir.toString()},
                new PrintWriter(out),
                new PrintWriter(err)))
        .isEqualTo(2);
    assertThat(err.toString()).contains("soon");
  }

  /** Digests as the collector prints them. */
  private static final class Digests {
    static java.util.SortedSet<String> of(java.util.List<dev.regscope.core.Digest> digests) {
      java.util.SortedSet<String> strings = new java.util.TreeSet<>();
      digests.forEach(d -> strings.add(d.toString()));
      return strings;
    }
  }

  private static Map<Path, FileTime> prefixMtimes(RegistryProcess registry) throws IOException {
    Map<Path, FileTime> mtimes = new TreeMap<>();
    try (Stream<Path> prefixes =
        Files.list(registry.storageRoot().resolve("docker/registry/v2/blobs/sha256"))) {
      for (Path prefix : (Iterable<Path>) prefixes::iterator) {
        mtimes.put(prefix, Files.getLastModifiedTime(prefix));
      }
    }
    return mtimes;
  }

  private static void setMtime(Path folder, FileTime mtime) {
    try {
      if (Files.exists(folder)) {
        Files.setLastModifiedTime(folder, mtime);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
