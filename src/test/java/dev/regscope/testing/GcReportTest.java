package dev.regscope.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regscope.testing.GcReport.EligibleManifest;
import dev.regscope.testing.GcReport.Summary;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link GcReport} on real 2.8.2 output (see {@code gc-output/README.md} for the storage that
 * printed it).
 */
class GcReportTest {
  private static final String PLAIN = resource("unreferenced.txt");
  private static final String UNTAGGED = resource("untagged.txt");

  // The sample's digests by their first hex digits, as the README names them.
  private static final String OLD_V1 = digest("d5864b");
  private static final String NEW_V1 = digest("ea1478");
  private static final String SHARED_LAYER = digest("c242e9");
  private static final String LOOSE = digest("87f3c5");
  private static final String DELETED = digest("e1ccee");
  private static final String INDEX = digest("7f5b3d");
  private static final String CHILD_1 = digest("4ba34d");
  private static final String CHILD_2 = digest("3d85f8");

  @Test
  void readsWhatThePlainRunMarkedInEachRepository() {
    GcReport report = GcReport.parse(PLAIN);

    assertThat(report.repositories()).containsExactly("r/a", "r/idx");
    assertThat(report.markedManifests().get("r/a")).containsExactly(OLD_V1, NEW_V1);
    assertThat(report.markedManifests().get("r/idx"))
        .containsExactlyInAnyOrder(INDEX, CHILD_1, CHILD_2);
    assertThat(report.marks().get("r/a").get(OLD_V1))
        .containsExactly(digest("675ab2"), SHARED_LAYER, digest("15b16a"));
    // An index marks its children as blobs, in the order of its manifests[].
    assertThat(report.marks().get("r/idx").get(INDEX)).containsExactly(CHILD_1, CHILD_2);
    assertThat(report.markedBlobs().get("r/a"))
        .containsExactlyInAnyOrder(
            digest("675ab2"), SHARED_LAYER, digest("15b16a"), digest("b01214"), digest("0be7aa"));
    assertThat(report.markedDigests()).hasSize(14).contains(CHILD_1, OLD_V1);
  }

  @Test
  void readsWhatThePlainRunFoundEligible() {
    GcReport report = GcReport.parse(PLAIN);

    assertThat(report.eligibleBlobs())
        .containsExactlyInAnyOrder(LOOSE, DELETED, digest("e856e1"), digest("040f89"));
    assertThat(report.eligibleManifests()).isEmpty();
    assertThat(report.summary()).isEqualTo(new Summary(14, 4, 0));
  }

  @Test
  void attributesEachUntaggedManifestToTheRepositoryLineAboveIt() {
    GcReport report = GcReport.parse(UNTAGGED);

    assertThat(report.eligibleManifests())
        .containsExactly(
            new EligibleManifest("r/a", OLD_V1),
            new EligibleManifest("r/idx", CHILD_2),
            new EligibleManifest("r/idx", CHILD_1));
    assertThat(report.eligibleManifestsByRepository().get("r/idx"))
        .containsExactlyInAnyOrder(CHILD_1, CHILD_2);
    assertThat(report.eligibleManifestDigests())
        .containsExactlyInAnyOrder(OLD_V1, CHILD_1, CHILD_2);
    assertThat(report.markedManifests().get("r/a")).containsExactly(NEW_V1);
    assertThat(report.markedManifests().get("r/idx")).containsExactly(INDEX);
    assertThat(report.summary()).isEqualTo(new Summary(7, 11, 3));
    // distribution#3178: the children's own blobs go, their manifest blobs stay (the index marks
    // them).
    assertThat(report.eligibleBlobs())
        .contains(digest("4f3724"), digest("2ab33a"))
        .doesNotContain(CHILD_1, CHILD_2);
  }

  @Test
  void keepingIndexChildrenLeavesTheMovedTagsOldManifestAndWhatOnlyItReferenced() {
    GcReport kept = GcReport.parse(UNTAGGED).untaggedKeepingIndexChildren(GcReport.parse(PLAIN));

    assertThat(kept.eligibleManifests()).containsExactly(new EligibleManifest("r/a", OLD_V1));
    assertThat(kept.eligibleBlobs())
        .containsExactlyInAnyOrder(
            LOOSE,
            DELETED,
            digest("e856e1"),
            digest("040f89"),
            OLD_V1,
            digest("675ab2"),
            digest("15b16a"));
    assertThat(kept.markedManifests().get("r/idx"))
        .containsExactlyInAnyOrder(INDEX, CHILD_1, CHILD_2);
    assertThat(kept.summary()).isEqualTo(new Summary(11, 7, 1));
  }

  @Test
  void keepingIndexChildrenRefusesTwoReportsOfDifferentStorage() {
    GcReport plain = GcReport.parse(PLAIN);
    GcReport other =
        GcReport.parse("r/a\n\n0 blobs marked, 0 blobs and 0 manifests eligible for deletion\n");

    assertThatThrownBy(() -> GcReport.parse(UNTAGGED).untaggedKeepingIndexChildren(other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("repositories differ");
    assertThatThrownBy(() -> plain.untaggedKeepingIndexChildren(GcReport.parse(UNTAGGED)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not of the same storage");
  }

  @Test
  void aRepositoryWithoutManifestsIsWalkedAndMarksNothing() {
    // 2.8.2's output for a storage whose one repository holds a single blob and no manifest.
    String blob = "sha256:7812422c3563e8e8de9cf8e5db6e613f8e00a1d943a38e82740e16c89fa24553";
    GcReport report =
        GcReport.parse(
            "only/blob\n\n0 blobs marked, 1 blobs and 0 manifests eligible for deletion\n"
                + "blob eligible for deletion: "
                + blob
                + "\n");

    assertThat(report.repositories()).containsExactly("only/blob");
    assertThat(report.markedManifests().get("only/blob")).isEmpty();
    assertThat(report.eligibleBlobs()).containsExactly(blob);
  }

  @Test
  void refusesSummariesThatDoNotCountTheLines() {
    assertThatThrownBy(() -> GcReport.parse(PLAIN.replace("4 blobs and", "5 blobs and")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not count the eligible lines");
    assertThatThrownBy(() -> GcReport.parse(UNTAGGED.replace("3 manifests", "2 manifests")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not count the eligible lines");
    assertThatThrownBy(() -> GcReport.parse(PLAIN.replace("14 blobs marked", "15 blobs marked")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("disagrees with the marks");
    assertThatThrownBy(() -> GcReport.parse(PLAIN.substring(0, PLAIN.indexOf("\n\n") + 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no summary line");
  }

  @Test
  void refusesLinesItDoesNotKnowOrThatAreOutOfPlace() {
    assertThatThrownBy(() -> GcReport.parse("time=\"2024\" level=info msg=\"x\"\n" + PLAIN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 1: unexpected line");
    assertThatThrownBy(
            () -> GcReport.parse("manifest eligible for deletion: " + OLD_V1 + "\n" + PLAIN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("before any repository line");
    assertThatThrownBy(() -> GcReport.parse("r/a\nr/a: marking blob " + LOOSE + "\n" + PLAIN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("follows no marked manifest");
    assertThatThrownBy(
            () -> GcReport.parse(PLAIN.replace("r/idx: marking blob", "r/a: marking blob")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a line for r/a inside the lines of r/idx");
    assertThatThrownBy(() -> GcReport.parse(PLAIN + "blob eligible for deletion: " + LOOSE + "\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the same blob eligible twice");
  }

  @Test
  void eligibleBytesAreTheSizesOfTheBlobDataFiles(@TempDir Path storage) throws IOException {
    GcReport report = GcReport.parse(PLAIN);
    long expected = 0;
    int size = 10;
    for (String blob : new TreeSet<>(report.eligibleBlobs())) {
      Path data = GcReport.blobData(storage, blob);
      Files.createDirectories(data.getParent());
      Files.write(data, new byte[size]);
      expected += size;
      size *= 3;
    }
    assertThat(GcReport.blobData(storage, LOOSE))
        .isEqualTo(
            storage.resolve(
                "docker/registry/v2/blobs/sha256/87/"
                    + LOOSE.substring("sha256:".length())
                    + "/data"));
    assertThat(report.eligibleBytes(storage)).isEqualTo(expected);

    Files.delete(GcReport.blobData(storage, LOOSE));
    assertThatThrownBy(() -> report.eligibleBytes(storage))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(LOOSE);
  }

  private static String resource(String name) {
    try (InputStream in = GcReportTest.class.getResourceAsStream("/gc-output/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no test resource gc-output/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The one digest in the samples that starts with {@code hexPrefix}. */
  private static String digest(String hexPrefix) {
    Matcher m = Pattern.compile("sha256:" + hexPrefix + "[0-9a-f]+").matcher(PLAIN + UNTAGGED);
    TreeSet<String> found = new TreeSet<>();
    while (m.find()) {
      found.add(m.group());
    }
    if (found.size() != 1) {
      throw new IllegalStateException(
          "sha256:" + hexPrefix + " names " + found + " in the samples");
    }
    return found.first();
  }
}
