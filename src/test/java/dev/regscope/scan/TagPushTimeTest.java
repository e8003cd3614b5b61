package dev.regscope.scan;

import static dev.regscope.testing.RegistryTree.image;
import static dev.regscope.testing.Scans.tag;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.regscope.model.Snapshot;
import dev.regscope.storage.NioTreeReader;
import dev.regscope.testing.RecordingTreeReader;
import dev.regscope.testing.RegistryTree;
import dev.regscope.testing.RegistryTree.Repo;
import dev.regscope.testing.Scans;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When a tag was pointed at its manifest: its {@code current/link}'s mtime, looked at only when the
 * tag moved.
 */
class TagPushTimeTest {
  private static final Instant FIRST = Instant.parse("2026-10-01T08:00:00Z");
  private static final Instant SECOND = Instant.parse("2026-11-02T09:30:00Z");

  private final FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
  private final RegistryTree tree = RegistryTree.at(fs.getPath("/v2"));
  private final RecordingTreeReader reader = new RecordingTreeReader(new NioTreeReader());
  private final Scanner scanner = new Scanner(tree.layout(), reader, Scans.CLOCK, problem -> {});

  @AfterEach
  void close() throws IOException {
    fs.close();
  }

  private static void touch(Path file, Instant time) throws IOException {
    Files.setLastModifiedTime(file, FileTime.from(time));
  }

  private int mark;

  /** The files whose mtime the scanner asked for since the last call. */
  private List<Path> timesAsked() {
    List<Path> asked = reader.modifiedTimesAsked();
    List<Path> since = asked.subList(mark, asked.size());
    mark = asked.size();
    return since;
  }

  @Test
  void pushedAtIsTheModificationTimeOfTheCurrentLink() throws IOException {
    Repo app = tree.repo("app").tag("v1", image(tree.layer(1))).tag("v2", image(tree.layer(2)));
    touch(app.currentLink("v1"), FIRST);
    touch(app.currentLink("v2"), SECOND);

    Snapshot snapshot = scanner.scan();

    assertThat(tag(snapshot, "app", "v1").pushedAt()).isEqualTo(FIRST);
    assertThat(tag(snapshot, "app", "v2").pushedAt()).isEqualTo(SECOND);
  }

  @Test
  void aTagThatDidNotMoveKeepsItsTimeWithoutAnotherStat() throws IOException {
    Repo app = tree.repo("app").tag("v1", image(tree.layer(1)));
    touch(app.currentLink("v1"), FIRST);
    scanner.scan();
    assertThat(timesAsked()).contains(app.currentLink("v1"));

    touch(app.currentLink("v1"), SECOND); // same content: only a stat could tell
    Snapshot again = scanner.scan();

    assertThat(tag(again, "app", "v1").pushedAt()).isEqualTo(FIRST);
    assertThat(timesAsked()).doesNotContain(app.currentLink("v1"));
  }

  @Test
  void aMovedTagGetsItsNewLinksTime() throws IOException {
    Repo app = tree.repo("app").tag("v1", image(tree.layer(1))).tag("stays", image(tree.layer(3)));
    touch(app.currentLink("v1"), FIRST);
    touch(app.currentLink("stays"), FIRST);
    scanner.scan();
    timesAsked();

    app.tag("v1", image(tree.layer(2)));
    touch(app.currentLink("v1"), SECOND);
    Snapshot moved = scanner.scan();

    assertThat(tag(moved, "app", "v1").pushedAt()).isEqualTo(SECOND);
    assertThat(tag(moved, "app", "stays").pushedAt()).isEqualTo(FIRST);
    assertThat(timesAsked())
        .contains(app.currentLink("v1"))
        .doesNotContain(app.currentLink("stays"));
  }

  @Test
  void anUnchangedTagIsTheSameObjectInTheNextSnapshotAndAMovedOneIsNew() throws IOException {
    Repo app = tree.repo("app").tag("v1", image(tree.layer(1))).tag("v2", image(tree.layer(2)));
    Snapshot first = scanner.scan();
    app.tag("v2", image(tree.layer(3)));

    Snapshot second = scanner.scan();

    // Shared, so a rescan of a large registry does not hold every tag twice.
    assertThat(tag(second, "app", "v1")).isSameAs(tag(first, "app", "v1"));
    assertThat(tag(second, "app", "v2")).isNotSameAs(tag(first, "app", "v2"));
    assertThat(tag(second, "app", "v2").digest()).isNotEqualTo(tag(first, "app", "v2").digest());
  }
}
