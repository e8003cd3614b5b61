package dev.regscope.scan;

import static dev.regscope.testing.PromText.series;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.regscope.core.Damage;
import dev.regscope.metrics.SeriesFilter;
import dev.regscope.model.BrokenTag;
import dev.regscope.model.GcMode;
import dev.regscope.model.ScanProblem;
import dev.regscope.model.Snapshot;
import dev.regscope.model.Withheld;
import dev.regscope.storage.NioTreeReader;
import dev.regscope.storage.StorageLayout;
import dev.regscope.storage.TreeReader;
import dev.regscope.testing.ForwardingTreeReader;
import dev.regscope.testing.GarbageCollector;
import dev.regscope.testing.GarbageCollector.Mode;
import dev.regscope.testing.GcReport;
import dev.regscope.testing.ImageFactory;
import dev.regscope.testing.Platform;
import dev.regscope.testing.PromText;
import dev.regscope.testing.RegistryClient;
import dev.regscope.testing.RegistryProcess;
import dev.regscope.testing.Scans;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An error is not an absence (issue 10, point 7). On the storage of a real registry 2.8, a reader
 * that fails chosen paths (root reads through any permission, so the faults are injected) makes a
 * repository's revisions folder unreadable, or a tag folder's stat fail: the scan counts a {@code
 * read_error} problem naming the path and the error, logs it, and withholds the garbage-collection
 * preview with {@code links_unreadable}, instead of reading "no revisions" and calling that
 * repository's blobs reclaimable.
 */
@Timeout(120)
class UnreadableLinksTest {
  static final Platform AMD64 = Platform.of("linux/amd64");

  @TempDir static Path dir;
  private static RegistryProcess registry;
  private static StorageLayout layout;
  private static GcReport plain;

  @BeforeAll
  static void push() throws Exception {
    registry = RegistryProcess.start(dir);
    RegistryClient client = registry.client();
    ImageFactory images = new ImageFactory(new Random(107));
    images.ociImage(AMD64, images.layer(1000)).push(client, "team/locked", "v1");
    images.ociImage(AMD64, images.layer(900)).push(client, "team/locked", "v2");
    images.ociImage(AMD64, images.layer(800)).pushByDigest(client, "team/locked");
    images.ociImage(AMD64, images.layer(700)).push(client, "team/open", "v1");
    layout = StorageLayout.locate(registry.storageRoot());
    plain = GarbageCollector.of(registry).dryRun(registry, Mode.UNREFERENCED);
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  @Test
  void aRevisionsFolderThatCannotBeListedWithholdsThePreviewAndSaysWhy() throws IOException {
    Path revisions = StorageLayout.revisionsDir(layout.repository("team/locked")).resolve("sha256");
    assertWithheld(
        new ForwardingTreeReader(new NioTreeReader()) {
          @Override
          public List<Entry> list(Path dir) throws IOException {
            deny(dir);
            return super.list(dir);
          }

          @Override
          public List<String> names(Path dir) throws IOException {
            deny(dir);
            return super.names(dir);
          }

          private void deny(Path dir) throws AccessDeniedException {
            if (dir.equals(revisions)) {
              throw new AccessDeniedException(dir.toString());
            }
          }
        },
        revisions,
        "permission denied");
  }

  @Test
  void anIoErrorReadingTheRevisionsFolderDoesTheSame() throws IOException {
    Path revisions = StorageLayout.revisionsDir(layout.repository("team/locked"));
    assertWithheld(
        new ForwardingTreeReader(new NioTreeReader()) {
          @Override
          public List<String> names(Path dir) throws IOException {
            if (dir.equals(revisions)) {
              throw new FileSystemException(dir.toString(), null, "Input/output error");
            }
            return super.names(dir);
          }
        },
        revisions,
        "Input/output error");
  }

  @Test
  void aTagFolderWhoseStatFailsIsAProblemAndABrokenTagNotASilentSkip() throws IOException {
    Path tags = StorageLayout.tagsDir(layout.repository("team/locked"));
    Path v2 = tags.resolve("v2");
    TreeReader reader =
        new ForwardingTreeReader(new NioTreeReader()) {
          @Override
          public List<Entry> list(Path dir) throws IOException {
            List<Entry> entries = new ArrayList<>();
            for (Entry entry : super.list(dir)) {
              // What NioTreeReader reports for an entry whose stat failed.
              entries.add(
                  dir.equals(tags) && entry.name().equals("v2")
                      ? new Entry("v2", EntryType.OTHER)
                      : entry);
            }
            return entries;
          }

          @Override
          public FileTime modifiedTime(Path path) throws IOException {
            if (path.equals(v2)) {
              throw new FileSystemException(path.toString(), null, "Input/output error");
            }
            return super.modifiedTime(path);
          }
        };
    List<ScanProblem> logged = new ArrayList<>();
    Snapshot snapshot = Scans.scan(layout, reader, logged);

    assertThat(Scans.repository(snapshot, "team/locked").brokenTags())
        .extracting(BrokenTag::name, BrokenTag::reason)
        .containsExactly(tuple("v2", Damage.READ_ERROR));
    assertThat(logged)
        .extracting(ScanProblem::damage, ScanProblem::path)
        .containsExactly(tuple(Damage.READ_ERROR, v2));
    assertThat(logged.get(0).message()).contains("Input/output error");
    assertThat(snapshot.store().previewed(GcMode.UNREFERENCED)).isFalse();
    assertThat(snapshot.store().previewed(GcMode.UNTAGGED)).isFalse();
  }

  private static void assertWithheld(TreeReader reader, Path failing, String error)
      throws IOException {
    // Without the fault the preview is the collector's, and nothing is reclaimable.
    Snapshot healthy = Scans.scan(Scans.scanner(registry));
    assertThat(plain.eligibleBlobs()).isEmpty();
    assertThat(healthy.store().unreferenced().blobs()).isEmpty();
    assertThat(healthy.store().withheld()).isEmpty();

    List<ScanProblem> logged = new ArrayList<>();
    Snapshot snapshot = Scans.scan(layout, reader, logged);

    assertThat(logged)
        .extracting(ScanProblem::damage, ScanProblem::path)
        .containsExactly(tuple(Damage.READ_ERROR, failing));
    assertThat(logged.get(0).toString()).contains(error).contains(failing.toString());
    assertThat(snapshot.problemCounts()).containsEntry(Damage.READ_ERROR, 1L);
    for (GcMode mode : GcMode.values()) {
      assertThat(snapshot.store().previewed(mode)).as(mode.label()).isFalse();
    }
    assertThat(snapshot.store().withheld())
        .extracting(Withheld::reason)
        .containsOnly(Withheld.Reason.LINKS_UNREADABLE);
    Map<String, Double> metrics = PromText.of(snapshot, SeriesFilter.ALL);
    assertThat(metrics)
        .containsEntry(
            series(
                "regscope_gc_preview_withheld",
                "mode",
                "unreferenced",
                "reason",
                "links_unreadable"),
            1.0)
        .containsEntry(series("regscope_scan_problems", "reason", "read_error"), 1.0)
        .doesNotContainKey(series("regscope_gc_reclaimable_blobs", "mode", "unreferenced"))
        .doesNotContainKey(series("regscope_gc_reclaimable_blobs", "mode", "untagged"))
        .doesNotContainKey(series("repository_exclusive_size_bytes", "repository", "team/open"))
        .doesNotContainKey(series("repository_size_bytes", "repository", "team/locked"))
        .containsKey(series("repository_size_bytes", "repository", "team/open"));
    // Its tags are still read, and not called broken: an unreadable listing proves no link gone.
    assertThat(Scans.repository(snapshot, "team/locked").tags())
        .extracting(t -> t.name())
        .containsExactly("v1", "v2");
  }
}
