package dev.regscope.hygiene;

import static dev.regscope.testing.PromText.series;
import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.metrics.SeriesFilter;
import dev.regscope.model.GcMode;
import dev.regscope.model.Snapshot;
import dev.regscope.model.Withheld;
import dev.regscope.report.HygieneReport;
import dev.regscope.report.HygieneReportJson;
import dev.regscope.report.HygieneReportText;
import dev.regscope.testing.GarbageCollector;
import dev.regscope.testing.GarbageCollector.Mode;
import dev.regscope.testing.GarbageCollector.Output;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * When registry 2.8's collector would stop with an error, the preview is not a number of blobs
 * (issue 10, point 5): regscope exports that the mode would abort and the report names the
 * repositories that stop it. Each case is checked against a real run of the collector, which must
 * exit with 1 where regscope says it would abort, and with 0 where it says it would not.
 */
@Timeout(120)
class CollectorAbortTest {
  static final Platform AMD64 = Platform.of("linux/amd64");

  @Test
  void aRepositoryOnlyEverPushedByDigestStopsDeleteUntaggedButNotThePlainCollector(
      @TempDir Path dir) throws IOException {
    try (RegistryProcess registry = RegistryProcess.start(dir)) {
      RegistryClient client = registry.client();
      ImageFactory images = new ImageFactory(new Random(105));
      images.ociImage(AMD64, images.layer(100)).push(client, "ok/app", "v1");
      images.ociImage(AMD64, images.layer(200)).pushByDigest(client, "bydigest/only");

      GarbageCollector collector = GarbageCollector.of(registry);
      Output untagged = collector.attemptDryRun(registry, Mode.UNTAGGED);
      assertThat(untagged.exitCode()).as(untagged.describe()).isEqualTo(1);
      assertThat(untagged.stderr())
          .contains("failed to retrieve tags unknown repository name=bydigest/only");
      GcReport plain = collector.dryRun(registry, Mode.UNREFERENCED); // exits 0

      Snapshot snapshot = Scans.scan(Scans.scanner(registry));
      assertThat(snapshot.store().previewed(GcMode.UNTAGGED)).isFalse();
      assertThat(snapshot.store().previewed(GcMode.UNREFERENCED)).isTrue();
      assertThat(ForeignLayersTest.strings(snapshot.store().unreferenced().blobs()))
          .isEqualTo(plain.eligibleBlobs());
      assertThat(snapshot.store().withheld())
          .singleElement()
          .satisfies(
              w -> {
                assertThat(w.mode()).isEqualTo(GcMode.UNTAGGED);
                assertThat(w.reason()).isEqualTo(Withheld.Reason.COLLECTOR_ABORTS);
                assertThat(w.causes())
                    .extracting(Withheld.Cause::where)
                    .containsExactly("bydigest/only");
              });

      Map<String, Double> metrics = PromText.of(snapshot, SeriesFilter.ALL);
      assertThat(metrics)
          .containsEntry(
              series(
                  "regscope_gc_preview_withheld", "mode", "untagged", "reason", "collector_aborts"),
              1.0)
          .containsKey(series("regscope_gc_reclaimable_blobs", "mode", "unreferenced"))
          .doesNotContainKey(series("regscope_gc_reclaimable_blobs", "mode", "untagged"))
          .doesNotContainKey(series("regscope_gc_reclaimable_bytes", "mode", "untagged"));

      StringWriter text = new StringWriter();
      HygieneReportText.write(HygieneReport.of(snapshot), new PrintWriter(text));
      assertThat(text.toString())
          .contains(
              "registry garbage-collect --delete-untagged /etc/docker/registry/config.yml would"
                  + " stop with an error before deleting anything:")
          .contains("bydigest/only: has revisions but no _manifests/tags folder");
      StringWriter json = new StringWriter();
      HygieneReportJson.write(HygieneReport.of(snapshot), json);
      assertThat(json.toString()).contains("\"reason\" : \"collector_aborts\"");

      // Once the repository has a tag, the collector runs, and regscope's preview is back.
      images.ociImage(AMD64, images.layer(300)).push(client, "bydigest/only", "now-tagged");
      assertThat(collector.attemptDryRun(registry, Mode.UNTAGGED).exitCode()).isZero();
      assertThat(Scans.scan(Scans.scanner(registry)).store().withheld()).isEmpty();
    }
  }

  @Test
  void aTaggedManifestTheCollectorCannotParseStopsBothModesAnUntaggedOneOnlyThePlainOne(
      @TempDir Path dir) throws IOException {
    try (RegistryProcess registry = RegistryProcess.start(dir)) {
      RegistryClient client = registry.client();
      ImageFactory images = new ImageFactory(new Random(106));
      Image tagged = images.ociImage(AMD64, images.layer(100));
      tagged.push(client, "app", "v1");
      Image untagged = images.ociImage(AMD64, images.layer(200));
      untagged.pushByDigest(client, "app");
      GarbageCollector collector = GarbageCollector.of(registry);

      // The untagged revision's blob is cut short (a disk fault).
      Path data = GcReport.blobData(registry.storageRoot(), untagged.digest());
      Files.write(data, "{\"schemaVersion\":".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertThat(collector.attemptDryRun(registry, Mode.UNREFERENCED).exitCode()).isEqualTo(1);
      assertThat(collector.attemptDryRun(registry, Mode.UNTAGGED).exitCode()).isZero();
      Snapshot one = Scans.scan(Scans.scanner(registry));
      assertThat(one.store().previewed(GcMode.UNREFERENCED)).isFalse();
      assertThat(one.store().previewed(GcMode.UNTAGGED)).isTrue();

      // Now the tagged one's too.
      Files.write(
          GcReport.blobData(registry.storageRoot(), tagged.digest()), new byte[0]); // emptied
      assertThat(collector.attemptDryRun(registry, Mode.UNTAGGED).exitCode()).isEqualTo(1);
      Snapshot both = Scans.scan(Scans.scanner(registry));
      assertThat(both.store().previewed(GcMode.UNREFERENCED)).isFalse();
      assertThat(both.store().previewed(GcMode.UNTAGGED)).isFalse();
      assertThat(both.store().withheld())
          .allSatisfy(w -> assertThat(w.reason()).isEqualTo(Withheld.Reason.COLLECTOR_ABORTS));
    }
  }

  @Test
  void aTagLinkThatIsNotADigestStopsDeleteUntagged(@TempDir Path dir) throws IOException {
    try (RegistryProcess registry = RegistryProcess.start(dir)) {
      RegistryClient client = registry.client();
      ImageFactory images = new ImageFactory(new Random(107));
      images.ociImage(AMD64, images.layer(100)).push(client, "app", "v1");
      images.ociImage(AMD64, images.layer(200)).push(client, "app", "v2");
      Files.writeString(
          registry
              .storageRoot()
              .resolve("docker/registry/v2/repositories/app/_manifests/tags/v2/current/link"),
          "garbage");
      GarbageCollector collector = GarbageCollector.of(registry);
      assertThat(collector.attemptDryRun(registry, Mode.UNTAGGED).exitCode()).isEqualTo(1);
      assertThat(collector.attemptDryRun(registry, Mode.UNREFERENCED).exitCode()).isZero();

      Snapshot snapshot = Scans.scan(Scans.scanner(registry));
      assertThat(snapshot.store().previewed(GcMode.UNTAGGED)).isFalse();
      assertThat(snapshot.store().previewed(GcMode.UNREFERENCED)).isTrue();
    }
  }
}
