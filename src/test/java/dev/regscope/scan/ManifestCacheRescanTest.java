package dev.regscope.scan;

import static dev.regscope.testing.RegistryTree.child;
import static dev.regscope.testing.RegistryTree.image;
import static dev.regscope.testing.RegistryTree.ociIndex;
import static dev.regscope.testing.Scans.repository;
import static dev.regscope.testing.Scans.tag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.regscope.core.Damage;
import dev.regscope.model.BrokenTag;
import dev.regscope.storage.NioTreeReader;
import dev.regscope.testing.RecordingTreeReader;
import dev.regscope.testing.RegistryTree;
import dev.regscope.testing.RegistryTree.Manifest;
import dev.regscope.testing.Scans;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A rescan reads links and listings, and manifests only when they are new or their blob folder
 * changed.
 */
class ManifestCacheRescanTest {
  private final FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
  private final RegistryTree tree = RegistryTree.at(fs.getPath("/v2"));
  private final RecordingTreeReader reader = new RecordingTreeReader(new NioTreeReader());
  private final Scanner scanner = new Scanner(tree.layout(), reader, Scans.CLOCK, p -> {});

  @AfterEach
  void close() throws IOException {
    fs.close();
  }

  /**
   * Makes every blob prefix folder look untouched for an hour, as on a registry nobody pushed to
   * lately.
   */
  private void settle() throws IOException {
    FileTime hourAgo = FileTime.from(Instant.now().minusSeconds(3600));
    try (Stream<Path> prefixes = Files.list(tree.root().resolve("blobs/sha256"))) {
      for (Path prefix : prefixes.toList()) {
        Files.setLastModifiedTime(prefix, hourAgo);
      }
    }
  }

  private int mark;

  /**
   * Blob data files the reader read (not merely measured for the blob census) since the last call.
   */
  private long manifestBlobsTouched() {
    var reads = reader.reads();
    long count =
        reads.subList(mark, reads.size()).stream()
            .filter(r -> r.file().toString().endsWith("/data"))
            .count();
    mark = reads.size();
    return count;
  }

  @Test
  void anUnchangedTreeIsRescannedWithoutTouchingAnyManifestBlob() throws IOException {
    Manifest amd64 = image(tree.layer(10));
    tree.repo("app")
        .tag(
            "v1",
            ociIndex(child("linux/amd64", amd64), child("linux/arm64", image(tree.layer(20)))))
        .tag("v2", image(tree.layer(5)));
    settle();
    scanner.scan();
    assertThat(manifestBlobsTouched()).isEqualTo(4);
    scanner.scan(); // compared with the first scan's stamp: nothing changed
    manifestBlobsTouched();

    var again = scanner.scan();

    assertThat(manifestBlobsTouched()).isZero();
    assertThat(tag(again, "app", "v1").sizeBytes()).isEqualTo(30);
  }

  @Test
  void aBlobTheCollectorRemovedIsNoticedThroughItsPrefixFolder() throws IOException {
    Manifest amd64 = image(tree.layer(10));
    tree.repo("app")
        .tag(
            "v1",
            ociIndex(child("linux/amd64", amd64), child("linux/arm64", image(tree.layer(20)))));
    settle();
    scanner.scan();
    scanner.scan();
    manifestBlobsTouched();

    Path data = tree.blobData(amd64.digest());
    Files.delete(data);
    Files.delete(
        data.getParent()); // the collector removes the blob's folder, which touches the prefix
    // folder
    var after = scanner.scan();

    assertThat(repository(after, "app").brokenTags())
        .extracting(BrokenTag::name, BrokenTag::reason)
        .containsExactly(tuple("v1", Damage.MISSING_BLOB));
    assertThat(manifestBlobsTouched()).isLessThanOrEqualTo(2); // the prefix folder's manifests only
  }

  @Test
  void aBlobTheCollectorRemovedStaysMissingOnceItsPrefixFolderSettlesAgain() throws IOException {
    Manifest amd64 = image(tree.layer(10));
    tree.repo("app")
        .tag(
            "v1",
            ociIndex(child("linux/amd64", amd64), child("linux/arm64", image(tree.layer(20)))));
    settle();
    scanner.scan();
    scanner.scan();
    Path data = tree.blobData(amd64.digest());
    Files.delete(data);
    Files.delete(data.getParent());
    assertThat(repository(scanner.scan(), "app").brokenTags())
        .extracting(BrokenTag::name, BrokenTag::reason)
        .containsExactly(tuple("v1", Damage.MISSING_BLOB));

    settle(); // a sidecar's later scans: the prefix folder has not changed since the scan that saw
    // the blob gone
    scanner.scan();
    var later = scanner.scan();

    assertThat(repository(later, "app").brokenTags())
        .extracting(BrokenTag::name, BrokenTag::reason)
        .containsExactly(tuple("v1", Damage.MISSING_BLOB));
    assertThat(repository(later, "app").tags()).isEmpty();
    assertThat(later.repositories())
        .as("what a cold scanner says")
        .isEqualTo(Scans.scan(tree).repositories());
  }

  @Test
  void aRepushedManifestStaysAsAnUntaggedRevisionUntilItsRevisionIsDeleted() throws IOException {
    var repo = tree.repo("app").tag("v1", image(tree.layer(1)));
    var old = scanner.scan();
    var oldDigest = tag(old, "app", "v1").digest();
    repo.tag(
        "v1", image(tree.layer(2))); // re-pushed: v1 names a new manifest, the old one is untagged

    var after = scanner.scan();

    assertThat(tag(after, "app", "v1").sizeBytes()).isEqualTo(2);
    assertThat(after.manifests()).isEqualTo(2);
    assertThat(repository(after, "app").hygiene().untaggedManifests()).isEqualTo(1);

    // DELETE by digest: 2.8 removes the revision's link and leaves its folder
    Files.delete(
        repo.dir().resolve("_manifests/revisions/sha256").resolve(oldDigest.hex()).resolve("link"));
    var deleted = scanner.scan();

    assertThat(deleted.manifests()).isEqualTo(1);
    assertThat(repository(deleted, "app").hygiene().untaggedManifests()).isZero();
  }
}
