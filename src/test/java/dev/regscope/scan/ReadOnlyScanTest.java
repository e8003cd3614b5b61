package dev.regscope.scan;

import static dev.regscope.testing.RegistryTree.child;
import static dev.regscope.testing.RegistryTree.image;
import static dev.regscope.testing.RegistryTree.ociImage;
import static dev.regscope.testing.RegistryTree.ociIndex;
import static dev.regscope.testing.RegistryTree.ociIndexNaming;
import static dev.regscope.testing.RegistryTree.raw;
import static dev.regscope.testing.RegistryTree.schema1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.regscope.core.Damage;
import dev.regscope.core.Digest;
import dev.regscope.model.ScanProblem;
import dev.regscope.model.Snapshot;
import dev.regscope.storage.NioTreeReader;
import dev.regscope.storage.StorageLayout;
import dev.regscope.testing.RegistryTree;
import dev.regscope.testing.RegistryTree.Manifest;
import dev.regscope.testing.Scans;
import dev.regscope.testing.TreeFingerprint;
import dev.regscope.testing.TreeFingerprint.State;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scan never writes to the tree it reads: every file, folder and link, inside the tree and
 * outside where links point, has the same content, size and times after two scans, and nothing was
 * added or removed. Checked on a real folder (so Linux's own handling of symbolic links is
 * exercised too) and on Jimfs.
 */
class ReadOnlyScanTest {
  private static final FileTime LONG_AGO = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));

  @Test
  void onARealFolder(@TempDir Path temp) throws Exception {
    scanTwiceAndCompare(temp);
  }

  @Test
  void onJimfs() throws Exception {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
      Path base = fs.getPath("/srv");
      Files.createDirectories(base);
      scanTwiceAndCompare(base);
    }
  }

  private static void scanTwiceAndCompare(Path base) throws Exception {
    buildDamagedRegistry(base.resolve("registry"), base.resolve("outside"));
    TreeFingerprint.backdate(base, LONG_AGO);
    Map<String, State> before = TreeFingerprint.of(base);

    List<ScanProblem> logged = new ArrayList<>();
    Scanner scanner =
        new Scanner(
            StorageLayout.locate(base.resolve("registry")),
            new NioTreeReader(),
            Scans.CLOCK,
            logged::add);
    Snapshot first = scanner.scan();
    Snapshot second = scanner.scan();

    assertThat(TreeFingerprint.of(base)).containsExactlyEntriesOf(before);
    // The scans did walk into every damaged piece (else the comparison would prove little).
    for (Snapshot snapshot : List.of(first, second)) {
      assertThat(snapshot.problemCounts())
          .containsOnly(
              entry(Damage.BAD_LINK, 1L),
              entry(Damage.MISSING_LINK, 1L),
              entry(Damage.MISSING_BLOB, 2L),
              entry(Damage.MANIFEST_NOT_JSON, 1L),
              entry(Damage.MANIFEST_TOO_LARGE, 1L),
              entry(Damage.INDEX_CYCLE, 1L),
              entry(Damage.SYMLINK, 6L));
      assertThat(snapshot.tagCount()).isEqualTo(3 + 10);
    }
    assertThat(before).hasSizeGreaterThan(80);
    assertThat(before.values()).filteredOn(state -> state.kind().equals("link")).hasSize(6);
  }

  /**
   * Three readable tags and ten damaged ones, six symbolic links, two of them pointing out of the
   * tree.
   */
  private static void buildDamagedRegistry(Path storage, Path outside) throws Exception {
    RegistryTree tree = RegistryTree.at(storage.resolve("docker/registry/v2"));
    Manifest healthy = image(tree.layer(100), tree.layer(20));
    RegistryTree.Repo app =
        tree.repo("team/app")
            .tag("healthy", healthy)
            .tag(
                "multi",
                ociIndex(
                    child("linux/amd64", ociImage(tree.layer(5))),
                    child("linux/arm64", ociImage(tree.layer(6)))))
            .tag("old", schema1(tree.layer(7)))
            .tagLink("garbage", "<html>502</html>")
            .tagLink("gone", "sha256:" + "e0".repeat(32))
            .tag("not-json", raw("{\"schemaVersion\": 2, "))
            .tag("huge", raw(padded(image(tree.layer(8)).bytes(), 4 * 1024 * 1024 + 1)))
            .tag("no-layer", schema1(RegistryTree.absentLayer(9)));
    Files.createDirectories(app.tagDir("no-link").resolve("index/sha256"));
    Digest cycle = new Digest("sha256", "c1".repeat(32));
    tree.putBlob(cycle, ociIndexNaming(cycle).bytes());
    app.tagLink("cycle", cycle.toString());
    Files.createDirectories(app.dir().resolve("_uploads/5f1c/hashstates/sha256"));
    Files.writeString(app.dir().resolve("_uploads/5f1c/startedat"), "2026-11-26T11:59:00Z");

    RegistryTree.Repo untagged = tree.repo("untagged");
    untagged.push(image(tree.layer(1)));
    Files.delete(untagged.dir().resolve("_manifests/tags"));

    Files.createDirectories(outside);
    Files.writeString(outside.resolve("link"), healthy.digest().toString());
    Files.write(outside.resolve("manifest"), healthy.bytes());
    Path repositories = tree.root().resolve("repositories");
    Files.createSymbolicLink(repositories.resolve("mirror"), repositories.resolve("team/app"));
    Files.createSymbolicLink(app.tagDir("linked-folder"), app.tagDir("healthy"));
    Files.createDirectories(app.currentLink("linked-link").getParent());
    Files.createSymbolicLink(app.currentLink("linked-link"), outside.resolve("link"));
    Digest linkedBlob = new Digest("sha256", "b1".repeat(32));
    Files.createDirectories(tree.blobData(linkedBlob).getParent());
    Files.createSymbolicLink(tree.blobData(linkedBlob), outside.resolve("manifest"));
    app.tagLink("linked-blob", linkedBlob.toString());
    RegistryTree.Repo borrowed = tree.repo("borrowed");
    Files.delete(borrowed.dir().resolve("_manifests/tags"));
    Files.createSymbolicLink(
        borrowed.dir().resolve("_manifests/tags"), app.dir().resolve("_manifests/tags"));
    Files.createSymbolicLink(
        tree.root().resolve("repositories/dangling"), outside.resolve("nothing-here"));
  }

  private static byte[] padded(byte[] json, int length) {
    byte[] bytes = Arrays.copyOf(json, length);
    Arrays.fill(bytes, json.length, length, (byte) ' ');
    return bytes;
  }
}
