package dev.regscope.hygiene;

import static dev.regscope.testing.PromText.series;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regscope.metrics.SeriesFilter;
import dev.regscope.model.ReferrerKind;
import dev.regscope.model.RepositoryHygiene;
import dev.regscope.model.Snapshot;
import dev.regscope.report.HygieneReport;
import dev.regscope.report.HygieneReportText;
import dev.regscope.testing.GarbageCollector;
import dev.regscope.testing.GarbageCollector.Mode;
import dev.regscope.testing.GcReport;
import dev.regscope.testing.Image;
import dev.regscope.testing.ImageFactory;
import dev.regscope.testing.Platform;
import dev.regscope.testing.PromText;
import dev.regscope.testing.RegistryClient;
import dev.regscope.testing.RegistryProcess;
import dev.regscope.testing.Scans;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * OCI 1.1 referrers on a real registry 2.8 (issue 10, point 10), pushed as Notation, syft and
 * cosign do on a registry without the referrers API: each referrer by digest with a {@code
 * subject}, and the {@code sha256-<hex>} tag-schema index listing them. 2.8's {@code
 * --delete-untagged} deletes them, as no tag names them. regscope counts them apart from plain
 * untagged manifests, by kind, and says how many of tagged images 2.8 would delete; the expected
 * numbers come from the collector's dry runs and the manifests the registry serves.
 */
@Timeout(120)
class ReferrersTest {
  static final String REPO = "sig/app";
  static final Platform AMD64 = Platform.of("linux/amd64");
  static final ObjectMapper JSON = new ObjectMapper();

  static final Map<String, ReferrerKind> KINDS =
      Map.of(
          "application/vnd.cncf.notary.signature", ReferrerKind.SIGNATURE,
          "application/spdx+json", ReferrerKind.SBOM,
          "application/vnd.in-toto+json", ReferrerKind.ATTESTATION);

  @Test
  void referrersOfTaggedImagesAreCountedApartAndWhat28WouldDeleteIsSaid(@TempDir Path dir)
      throws IOException {
    try (RegistryProcess registry = RegistryProcess.start(dir)) {
      RegistryClient client = registry.client();
      ImageFactory images = new ImageFactory(new Random(110));
      Image app = images.ociImage(AMD64, images.layer(2000));
      app.push(client, REPO, "v1");
      Image signature =
          images.referrer(app, "application/vnd.cncf.notary.signature", "application/jose+json");
      Image sbom = images.referrer(app, "application/spdx+json", "application/spdx+json");
      signature.pushByDigest(client, REPO);
      sbom.pushByDigest(client, REPO);
      images
          .referrersIndex(List.of(signature, sbom))
          .push(client, REPO, "sha256-" + app.digest().substring("sha256:".length()));
      // An attestation pushed by digest only, and a signature of an image no tag names.
      images
          .referrer(app, "application/vnd.in-toto+json", "application/vnd.in-toto+json")
          .pushByDigest(client, REPO);
      Image untaggedImage = images.ociImage(AMD64, images.layer(1000));
      untaggedImage.pushByDigest(client, REPO);
      images
          .referrer(untaggedImage, "application/vnd.cncf.notary.signature", "application/jose+json")
          .pushByDigest(client, REPO);
      images.ociImage(AMD64, images.layer(900)).pushByDigest(client, REPO); // plain untagged

      GarbageCollector collector = GarbageCollector.of(registry);
      GcReport plain = collector.dryRun(registry, Mode.UNREFERENCED);
      GcReport untagged = collector.dryRun(registry, Mode.UNTAGGED);
      GcReport correct = untagged.untaggedKeepingIndexChildren(plain);

      // The truth: every revision (what the plain run marks), read back from the registry.
      String tagged = client.headManifest(REPO, "v1");
      Map<ReferrerKind, Long> referrers = new EnumMap<>(ReferrerKind.class);
      Map<ReferrerKind, Long> deletedOfTagged = new EnumMap<>(ReferrerKind.class);
      Set<String> referrerDigests = new TreeSet<>();
      SortedSet<String> deletedBy28 = untagged.eligibleManifestsByRepository().get(REPO);
      for (String revision : plain.markedManifests().get(REPO)) {
        JsonNode manifest = JSON.readTree(client.getManifest(REPO, revision).bytes());
        if (!manifest.has("subject")) {
          continue;
        }
        ReferrerKind kind = KINDS.get(manifest.get("artifactType").asText());
        referrers.merge(kind, 1L, Long::sum);
        referrerDigests.add(revision);
        if (deletedBy28.contains(revision)
            && manifest.get("subject").get("digest").asText().equals(tagged)) {
          deletedOfTagged.merge(kind, 1L, Long::sum);
        }
      }
      assertThat(referrers.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(4);
      assertThat(deletedOfTagged)
          .isEqualTo(
              Map.of(
                  ReferrerKind.SIGNATURE, 1L, ReferrerKind.SBOM, 1L, ReferrerKind.ATTESTATION, 1L));
      SortedSet<String> plainUntagged =
          new TreeSet<>(correct.eligibleManifestsByRepository().get(REPO));
      plainUntagged.removeAll(referrerDigests);

      Snapshot snapshot = Scans.scan(Scans.scanner(registry));
      RepositoryHygiene hygiene = Scans.repository(snapshot, REPO).hygiene();
      assertThat(hygiene.referrers()).isEqualTo(referrers);
      assertThat(hygiene.deleteUntaggedReferrers()).isEqualTo(deletedOfTagged);
      // The untagged image and the plain one; referrers are not among them.
      assertThat(hygiene.untaggedManifests()).isEqualTo(plainUntagged.size()).isEqualTo(2);
      // The regscope untagged preview keeps the referrers the tagged sha256-<hex> index lists.
      assertThat(ForeignLayersTest.strings(snapshot.store().untagged().blobs()))
          .isEqualTo(correct.eligibleBlobs());

      Map<String, Double> metrics = PromText.of(snapshot, SeriesFilter.ALL);
      assertThat(metrics)
          .containsEntry(
              series("repository_referrers", "repository", REPO, "kind", "signature"), 2.0)
          .containsEntry(series("repository_referrers", "repository", REPO, "kind", "sbom"), 1.0)
          .containsEntry(
              series("repository_referrers", "repository", REPO, "kind", "attestation"), 1.0)
          .containsEntry(
              series(
                  "regscope_gc_delete_untagged_referrers", "repository", REPO, "kind", "signature"),
              1.0)
          .containsEntry(series("repository_untagged_manifests", "repository", REPO), 2.0);

      StringWriter text = new StringWriter();
      HygieneReportText.write(HygieneReport.of(snapshot), new PrintWriter(text));
      assertThat(text.toString())
          .contains(
              "registry 2.8's --delete-untagged would also delete 3 signatures, SBOMs and other"
                  + " referrers of tagged images (1 signature, 1 sbom, 1 attestation)");
    }
  }
}
