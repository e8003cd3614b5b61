package dev.regscope.hygiene;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.model.RepositoryStats;
import dev.regscope.model.Snapshot;
import dev.regscope.model.TagStats;
import dev.regscope.testing.Blob;
import dev.regscope.testing.GarbageCollector;
import dev.regscope.testing.GarbageCollector.Mode;
import dev.regscope.testing.GcExpectations;
import dev.regscope.testing.GcReport;
import dev.regscope.testing.Image;
import dev.regscope.testing.ImageFactory;
import dev.regscope.testing.RegistryClient;
import dev.regscope.testing.RegistryProcess;
import dev.regscope.testing.RegistryPull;
import dev.regscope.testing.RegistryPull.Outcome;
import dev.regscope.testing.RegistryTruth;
import dev.regscope.testing.Scans;
import dev.regscope.testing.TagTruth;
import java.nio.file.Path;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Foreign (Windows base) layers on a real registry 2.8 (issue 10, point 2). The registry refuses a
 * manifest naming one unless {@code validation.manifests.urls.allow} admits its URL; then it
 * accepts the manifest without the blob, and clients fetch it from the URL. Such a layer counts
 * with its declared size and is never missing; once someone uploads its blob, the collector marks
 * it like any other, so it is part of the repository's size and kept by the untagged mode, and
 * regscope says so consistently.
 */
@Timeout(120)
class ForeignLayersTest {
  /** What lets 2.8 accept foreign layers (without it a PUT answers 500, MANIFEST_BLOB_UNKNOWN). */
  static final String ALLOW_URLS =
      "validation:\n  manifests:\n    urls:\n      allow: ['^https?://']\n";

  static final String APP = "win/app";
  static final String CACHE = "win/cache";

  @Test
  void aForeignLayerCountsWithItsDeclaredSizeIsNeverMissingAndWhenStoredIsKeptAndCounted(
      @TempDir Path dir) {
    try (RegistryProcess registry =
        RegistryProcess.start(RegistryProcess.binaryOrSkip(), dir, ALLOW_URLS)) {
      RegistryClient client = registry.client();
      ImageFactory images = new ImageFactory(new Random(102));
      Blob base = images.foreignLayer(5L * 1024 * 1024 * 1024 + 7);
      Image ltsc = images.windowsImage("10.0.17763.5576", base, images.layer(1000));
      ltsc.push(client, APP, "ltsc2019");
      // An untagged revision naming the same base: the plain collector marks the base through it.
      images.windowsImage("10.0.17763.4010", base, images.layer(900)).pushByDigest(client, APP);

      // Absent from the store: counted, declared, not missing, the tag pullable.
      assertThat(RegistryPull.of(client, APP, "ltsc2019").outcome()).isEqualTo(Outcome.PULLABLE);
      Snapshot absent = Scans.scan(Scans.scanner(registry));
      TagTruth truth = RegistryTruth.read(client).tag(APP, "ltsc2019");
      TagStats tag = Scans.tag(absent, APP, "ltsc2019");
      assertThat(tag.layers()).isEqualTo(truth.layers()).isEqualTo(2);
      assertThat(tag.sizeBytes()).isEqualTo(truth.sizeBytes()).isEqualTo(base.size() + 1000);
      RepositoryStats app = Scans.repository(absent, APP);
      assertThat(app.hygiene().missingBlobs()).isZero();
      assertThat(app.hygiene().unpullableTags()).isEmpty();
      assertMatchesCollector(registry, absent);

      // Someone uploads the base into another repository: now it is a blob of the store.
      client.pushBlob(CACHE, base);
      Snapshot stored = Scans.scan(Scans.scanner(registry));
      assertThat(Scans.tag(stored, APP, "ltsc2019").sizeBytes()).isEqualTo(truth.sizeBytes());
      assertThat(Scans.repository(stored, APP).hygiene().unpullableTags()).isEmpty();
      GcReport[] reports = assertMatchesCollector(registry, stored);
      assertThat(reports[0].eligibleBlobs()).doesNotContain(base.digest());
      assertThat(reports[1].eligibleBlobs()).doesNotContain(base.digest());
      // Size and exclusive size both hold the 16 uploaded bytes now, where both held none before.
      assertThat(Scans.repository(stored, APP).hygiene().sizeBytes())
          .isEqualTo(Scans.repository(absent, APP).hygiene().sizeBytes() + 16);
      assertThat(Scans.repository(stored, APP).hygiene().exclusiveSizeBytes())
          .isEqualTo(Scans.repository(absent, APP).hygiene().exclusiveSizeBytes() + 16);
    }
  }

  /**
   * Both previews, and each repository's size and exclusive size, as the collector's dry runs have
   * them; returns the plain and the correct untagged report.
   */
  private static GcReport[] assertMatchesCollector(RegistryProcess registry, Snapshot snapshot) {
    GarbageCollector collector = GarbageCollector.of(registry);
    GcReport plain = collector.dryRun(registry, Mode.UNREFERENCED);
    GcReport correct =
        collector.dryRun(registry, Mode.UNTAGGED).untaggedKeepingIndexChildren(plain);
    assertThat(strings(snapshot.store().unreferenced().blobs())).isEqualTo(plain.eligibleBlobs());
    assertThat(strings(snapshot.store().untagged().blobs())).isEqualTo(correct.eligibleBlobs());
    for (RepositoryStats repository : snapshot.repositories()) {
      assertThat(repository.hygiene().sizeBytes())
          .as(repository.name() + " size")
          .isEqualTo(GcExpectations.keptBytes(correct, repository.name(), registry.storageRoot()));
      assertThat(repository.hygiene().exclusiveSizeBytes())
          .as(repository.name() + " exclusive")
          .isEqualTo(
              GcExpectations.exclusiveBytes(plain, repository.name(), registry.storageRoot()));
    }
    return new GcReport[] {plain, correct};
  }

  static SortedSet<String> strings(java.util.List<dev.regscope.core.Digest> digests) {
    SortedSet<String> strings = new TreeSet<>();
    digests.forEach(d -> strings.add(d.toString()));
    return strings;
  }
}
