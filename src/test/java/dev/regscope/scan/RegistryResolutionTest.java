package dev.regscope.scan;

import static dev.regscope.testing.PromText.series;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.regscope.core.Damage;
import dev.regscope.metrics.SeriesFilter;
import dev.regscope.model.BrokenTag;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.Snapshot;
import dev.regscope.model.TagStats;
import dev.regscope.model.UnpullableTag;
import dev.regscope.report.HygieneReport;
import dev.regscope.report.HygieneReportText;
import dev.regscope.testing.GarbageCollector;
import dev.regscope.testing.GarbageCollector.Collected;
import dev.regscope.testing.GarbageCollector.Mode;
import dev.regscope.testing.GcReport;
import dev.regscope.testing.Image;
import dev.regscope.testing.ImageFactory;
import dev.regscope.testing.Index;
import dev.regscope.testing.Platform;
import dev.regscope.testing.PromText;
import dev.regscope.testing.RegistryClient;
import dev.regscope.testing.RegistryProcess;
import dev.regscope.testing.RegistryPull;
import dev.regscope.testing.RegistryPull.Answer;
import dev.regscope.testing.RegistryPull.Outcome;
import dev.regscope.testing.Scans;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * regscope resolves a tag the way registry 2.8 serves it (issue 10, point 1, with points 4 and 5):
 * a tag is broken where the registry answers 404 for its manifest or a child manifest (the revision
 * link is gone in the tag's repository, whatever the blob store still holds), and unpullable where
 * the manifests answer but a config or layer does not. Every tag is classified by {@link
 * RegistryPull}, from the registry's HTTP answers alone, and regscope must agree tag by tag.
 */
@Timeout(180)
class RegistryResolutionTest {
  static final String MULTI = "res/multi";
  static final String OTHER = "res/other";
  static final String HUNDRED = "res/hundred";
  static final Platform AMD64 = Platform.of("linux/amd64");
  static final Platform ARM64 = Platform.of("linux/arm64/v8");

  @TempDir static Path dir;

  private static RegistryProcess registry;
  private static RegistryClient client;
  private static Index goneChild;
  private static Image ownLinkGone;
  private static Image layerUnlinked;
  private static Image configUnlinked;
  private static Image blobGone;
  private static Index hundred;
  private static Snapshot scanned;

  @BeforeAll
  static void pushDeleteAndScan() throws IOException {
    registry = RegistryProcess.start(dir.resolve("registry"));
    client = registry.client();
    ImageFactory images = new ImageFactory(new Random(10_1));

    // An index whose amd64 child was deleted by digest: the index is served, the child is not.
    Image c1 = images.ociImage(AMD64, images.layer(1000));
    Image c2 = images.ociImage(ARM64, images.layer(2000));
    goneChild = images.ociIndex(Index.Child.of(c1), Index.Child.of(c2));
    goneChild.push(client, MULTI, "gone-child");
    client.deleteManifest(MULTI, c1.digest());

    // An index whose only child lives on in another repository: deleted here, still a revision
    // there.
    Image elsewhere = images.ociImage(AMD64, images.layer(1500));
    elsewhere.pushByDigest(client, OTHER);
    // A tag of its own, or 2.8's --delete-untagged stops at res/other (point 5, tested apart).
    images.dockerImage(AMD64, images.layer(50)).push(client, OTHER, "keep");
    images.ociIndex(Index.Child.of(elsewhere)).push(client, MULTI, "cross");
    client.deleteManifest(MULTI, elsewhere.digest());

    // A tag whose own revision link is gone (removed by hand, as a cleanup cut short would).
    ownLinkGone = images.ociImage(AMD64, images.layer(900));
    ownLinkGone.push(client, MULTI, "own-link-gone");
    Files.delete(revisionLink(MULTI, ownLinkGone.digest()));

    // Blobs unlinked from the repository (DELETE /v2/<name>/blobs/<digest>) stay in the store.
    layerUnlinked = images.ociImage(AMD64, images.layer(800), images.layer(700));
    layerUnlinked.push(client, MULTI, "layer-unlinked");
    client.deleteBlob(MULTI, layerUnlinked.layers().get(1).digest());
    configUnlinked = images.dockerImage(AMD64, images.layer(600));
    configUnlinked.push(client, MULTI, "config-unlinked");
    client.deleteBlob(MULTI, configUnlinked.config().digest());

    // A layer whose data is gone from the store (lost, or collected by hand).
    blobGone = images.ociImage(AMD64, images.layer(500));
    blobGone.push(client, MULTI, "blob-gone");
    Files.delete(GcReport.blobData(registry.storageRoot(), blobGone.layers().get(0).digest()));

    // Healthy: a multi-platform index (its children untagged) and a plain image.
    images
        .ociIndex(
            Index.Child.of(images.ociImage(AMD64, images.layer(400))),
            Index.Child.of(images.ociImage(ARM64, images.layer(410))))
        .push(client, MULTI, "healthy-multi");
    images.dockerImage(AMD64, images.layer(300)).push(client, MULTI, "plain");

    // A 100-child index, one child also tagged on its own.
    List<Index.Child> children = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      children.add(Index.Child.of(images.ociImage(AMD64, images.layer(10 + i))));
    }
    hundred = images.ociIndex(children.toArray(Index.Child[]::new));
    hundred.push(client, HUNDRED, "all");
    hundred.children().get(0).target().push(client, HUNDRED, "first");

    scanned = Scans.scan(Scans.scanner(registry));
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void everyTagIsBrokenUnpullableOrWholeExactlyAsTheRegistryAnswers() {
    Map<String, Outcome> expected = answers(client, scanned);
    assertThat(classified(scanned)).isEqualTo(expected);
    assertThat(expected)
        .containsEntry(MULTI + ":gone-child", Outcome.BROKEN)
        .containsEntry(MULTI + ":cross", Outcome.BROKEN)
        .containsEntry(MULTI + ":own-link-gone", Outcome.BROKEN)
        .containsEntry(MULTI + ":layer-unlinked", Outcome.UNPULLABLE)
        .containsEntry(MULTI + ":config-unlinked", Outcome.UNPULLABLE)
        .containsEntry(MULTI + ":blob-gone", Outcome.UNPULLABLE)
        .containsEntry(MULTI + ":healthy-multi", Outcome.PULLABLE)
        .containsEntry(MULTI + ":plain", Outcome.PULLABLE)
        .containsEntry(HUNDRED + ":all", Outcome.PULLABLE);
  }

  @Test
  void aTagTheRegistryAnswers404ForIsMissingRevisionWithNoSeriesButItsInfo() {
    RepositoryStats multi = Scans.repository(scanned, MULTI);
    assertThat(multi.brokenTags())
        .extracting(BrokenTag::name, BrokenTag::reason)
        .containsExactly(
            tuple("cross", Damage.MISSING_REVISION),
            tuple("gone-child", Damage.MISSING_REVISION),
            tuple("own-link-gone", Damage.MISSING_REVISION));
    Map<String, Double> metrics = PromText.of(scanned, SeriesFilter.ALL);
    assertThat(metrics)
        .containsEntry(
            series("regscope_broken_tags", "repository", MULTI, "reason", "missing_revision"), 3.0)
        // Which digest is broken: the index the registry still serves for gone-child, and for
        // own-link-gone the manifest its link names (the registry answers 404 there; the test
        // pushed it).
        .containsEntry(
            series(
                "repository_tag_info",
                "repository",
                MULTI,
                "tag",
                "gone-child",
                "digest",
                client.headManifest(MULTI, "gone-child"),
                "media_type",
                goneChild.mediaType()),
            1.0)
        .containsEntry(
            series(
                "repository_tag_info",
                "repository",
                MULTI,
                "tag",
                "own-link-gone",
                "digest",
                ownLinkGone.digest(),
                "media_type",
                ownLinkGone.mediaType()),
            1.0);
    assertThat(metrics.keySet())
        .filteredOn(k -> k.contains("tag=\"gone-child\"") || k.contains("tag=\"own-link-gone\""))
        .allMatch(k -> k.startsWith("repository_tag_info{"));
  }

  @Test
  void anUnpullableTagKeepsItsDeclaredNumbersAndNamesTheBlobsThatFail() {
    for (Image image : List.of(layerUnlinked, configUnlinked, blobGone)) {
      String tag = tagOf(image);
      Answer answer = RegistryPull.of(client, MULTI, tag);
      TagStats stats = Scans.tag(scanned, MULTI, tag);
      // The manifest the registry served declares these.
      assertThat(stats.layers()).as(tag).isEqualTo(image.layerCount());
      assertThat(stats.sizeBytes()).as(tag).isEqualTo(image.layerBytes());
      UnpullableTag unpullable = Scans.unpullable(scanned, MULTI, tag);
      assertThat(unpullable.missing())
          .extracting(Object::toString)
          .as(tag)
          .containsExactlyInAnyOrderElementsOf(answer.failing());
    }
    assertThat(Scans.unpullable(scanned, MULTI, "layer-unlinked").reason())
        .isEqualTo(Damage.MISSING_LAYER_LINK);
    assertThat(Scans.unpullable(scanned, MULTI, "config-unlinked").reason())
        .isEqualTo(Damage.MISSING_LAYER_LINK);
    assertThat(Scans.unpullable(scanned, MULTI, "blob-gone").reason())
        .isEqualTo(Damage.MISSING_BLOB);
    Map<String, Double> metrics = PromText.of(scanned, SeriesFilter.ALL);
    assertThat(metrics)
        .containsEntry(
            series("regscope_unpullable_tags", "repository", MULTI, "reason", "missing_layer_link"),
            2.0)
        .containsEntry(
            series("regscope_unpullable_tags", "repository", MULTI, "reason", "missing_blob"), 1.0)
        .containsEntry(
            series(
                "repository_tag_unpullable",
                "repository",
                MULTI,
                "tag",
                "blob-gone",
                "reason",
                "missing_blob"),
            1.0)
        .containsEntry(
            series("repository_tag_size_bytes", "repository", MULTI, "tag", "blob-gone"),
            (double) blobGone.layerBytes());
  }

  @Test
  void theReportCountsBrokenAndUnpullableTagsApartAndNamesThem() {
    StringWriter text = new StringWriter();
    HygieneReportText.write(HygieneReport.of(scanned), new PrintWriter(text));
    long tags = answers(client, scanned).size();
    assertThat(text.toString())
        .contains(tags + " tags (3 broken, 3 unpullable)")
        .contains(MULTI + ":gone-child  missing_revision")
        .contains(MULTI + ":blob-gone  missing_blob")
        .contains(MULTI + ":layer-unlinked  missing_layer_link");
  }

  @Test
  void thePreviewsAreWhatThe28CollectorDeletesAndTheCorrectUntaggedOne() {
    GarbageCollector collector = GarbageCollector.of(registry);
    GcReport plain = collector.dryRun(registry, Mode.UNREFERENCED);
    GcReport untagged = collector.dryRun(registry, Mode.UNTAGGED);
    assertThat(strings(scanned.store().unreferenced().blobs()))
        .as(plain.describe())
        .isEqualTo(plain.eligibleBlobs());
    // Children that are not revisions of the tag's repository (c1 deleted by digest, the child
    // living only in res/other) keep neither their configs nor their layers.
    GcReport correct = untagged.untaggedKeepingIndexChildren(plain);
    assertThat(strings(scanned.store().untagged().blobs()))
        .as(correct.describe())
        .isEqualTo(correct.eligibleBlobs());
    assertThat(scanned.store().untagged().bytes())
        .isEqualTo(correct.eligibleBytes(registry.storageRoot()));
  }

  @Test
  void deleteUntaggedWouldBreakOnlyTagsThatArePullableNowAndA28RunBreaksExactlyThose(
      @TempDir Path copyDir) {
    RegistryProcess copy = Scans.startOnCopy(registry, copyDir, "");
    Snapshot before = Scans.scan(Scans.scanner(copy));
    Map<String, Outcome> answeredBefore = answers(copy.client(), before);
    Map<String, Long> predicted = new TreeMap<>();
    before
        .repositories()
        .forEach(r -> predicted.put(r.name(), r.hygiene().deleteUntaggedBrokenTags()));

    Collected collected = GarbageCollector.of(copy).collect(copy, Mode.UNTAGGED);
    try (RegistryProcess after = collected.registry()) {
      Snapshot scannedAfter = Scans.scan(Scans.scanner(after));
      Map<String, Outcome> answeredAfter = answers(after.client(), scannedAfter);
      Map<String, Long> broke = new TreeMap<>();
      predicted.keySet().forEach(repo -> broke.put(repo, 0L));
      answeredBefore.forEach(
          (tag, outcome) -> {
            if (outcome == Outcome.PULLABLE && answeredAfter.get(tag) != Outcome.PULLABLE) {
              broke.merge(tag.substring(0, tag.lastIndexOf(':')), 1L, Long::sum);
            }
          });
      assertThat(predicted).isEqualTo(broke);
      // healthy-multi and the 100-child index; gone-child was broken already and is not counted.
      assertThat(broke).containsEntry(MULTI, 1L).containsEntry(HUNDRED, 1L);

      // After the run: the 99 children no tag names lost their revision links, so "all" is
      // broken while "first" (a tagged child) is whole; regscope agrees tag by tag.
      assertThat(classified(scannedAfter)).isEqualTo(answeredAfter);
      assertThat(answeredAfter)
          .containsEntry(HUNDRED + ":all", Outcome.BROKEN)
          .containsEntry(HUNDRED + ":first", Outcome.PULLABLE);
      assertThat(Scans.broken(scannedAfter, HUNDRED, "all").reason())
          .isEqualTo(Damage.MISSING_REVISION);
      assertThat(RegistryPull.of(after.client(), HUNDRED, "all").failing()).hasSize(99);
    }
  }

  static Map<String, Outcome> answers(RegistryClient client, Snapshot snapshot) {
    return RegistryPull.answers(client, snapshot);
  }

  static Map<String, Outcome> classified(Snapshot snapshot) {
    return RegistryPull.classified(snapshot);
  }

  static SortedSet<String> strings(List<dev.regscope.core.Digest> digests) {
    SortedSet<String> strings = new TreeSet<>();
    digests.forEach(d -> strings.add(d.toString()));
    return strings;
  }

  private static String tagOf(Image image) {
    if (image == layerUnlinked) {
      return "layer-unlinked";
    }
    return image == configUnlinked ? "config-unlinked" : "blob-gone";
  }

  private static Path revisionLink(String repo, String digest) {
    return registry
        .storageRoot()
        .resolve("docker/registry/v2/repositories")
        .resolve(repo)
        .resolve("_manifests/revisions/sha256")
        .resolve(digest.substring("sha256:".length()))
        .resolve("link");
  }
}
