package dev.regscope.scan;

import static dev.regscope.testing.RegistryTree.image;
import static dev.regscope.testing.Scans.scan;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.Snapshot;
import dev.regscope.model.UploadStats;
import dev.regscope.testing.RegistryTree;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Uploads in progress, as a scan reports them per repository folder: how many, bytes received,
 * oldest start.
 */
class UploadReaderTest {
  private final FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
  private final RegistryTree tree = RegistryTree.at(fs.getPath("/v2"));

  @AfterEach
  void close() throws IOException {
    fs.close();
  }

  @Test
  void uploadsCountTheirDataBytesAndTheOldestStart() {
    tree.repo("app").tag("v1", image(tree.layer(10)));
    tree.upload("app", "u1", new byte[100], "2026-11-25T08:00:00Z");
    tree.upload("app", "u2", new byte[30], "2026-11-20T10:00:00Z");
    tree.upload("app", "u3", null, "2026-11-26T11:00:00Z"); // started, nothing received yet

    Snapshot snapshot = scan(tree);

    assertThat(snapshot.uploads())
        .containsExactly(new UploadStats("app", 3, 130, Instant.parse("2026-11-20T10:00:00Z")));
  }

  @Test
  void aStartWithAnOffsetIsComparedAsAnInstant() {
    tree.repo("app");
    tree.upload("app", "u1", new byte[1], "2026-11-20T11:00:00+02:00"); // 09:00Z: the oldest
    tree.upload("app", "u2", new byte[2], "2026-11-20T10:00:00Z");

    assertThat(scan(tree).uploads())
        .containsExactly(new UploadStats("app", 2, 3, Instant.parse("2026-11-20T09:00:00Z")));
  }

  @Test
  void anUploadWithoutAReadableStartCountsButGivesNoOldest() {
    tree.repo("app");
    tree.upload("app", "u1", new byte[7], "yesterday");
    tree.upload("app", "u2", new byte[8], null);

    assertThat(scan(tree).uploads()).containsExactly(new UploadStats("app", 2, 15, null));
  }

  @Test
  void debrisHoldingOnlyHashstatesAndAnEmptyUploadsFolderAreNoUploads() throws IOException {
    tree.repo("app");
    tree.upload("app", "live", new byte[40], "2026-11-26T09:00:00Z");
    tree.upload("app", "cancelled", null, null); // only hashstates/ is left
    tree.repo("debris");
    tree.upload("debris", "cancelled", null, null);
    Files.createDirectories(tree.repo("finished").dir().resolve("_uploads")); // stays behind, empty

    assertThat(scan(tree).uploads())
        .containsExactly(new UploadStats("app", 1, 40, Instant.parse("2026-11-26T09:00:00Z")));
  }

  @Test
  void aFolderHoldingOnlyUploadsReportsThemButIsNoRepository() {
    tree.repo("app").tag("v1", image(tree.layer(10)));
    tree.upload(
        "incoming", "u1", new byte[500], "2026-11-26T10:00:00Z"); // its first push is under way
    tree.upload("app/next", "u1", new byte[5], "2026-11-26T10:30:00Z"); // nested below a repository

    Snapshot snapshot = scan(tree);

    assertThat(snapshot.repositories()).extracting(RepositoryStats::name).containsExactly("app");
    assertThat(snapshot.uploads())
        .containsExactly(
            new UploadStats("app/next", 1, 5, Instant.parse("2026-11-26T10:30:00Z")),
            new UploadStats("incoming", 1, 500, Instant.parse("2026-11-26T10:00:00Z")));
  }
}
