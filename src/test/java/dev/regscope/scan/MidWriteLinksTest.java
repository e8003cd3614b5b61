package dev.regscope.scan;

import static dev.regscope.testing.RegistryTree.image;
import static dev.regscope.testing.Scans.repository;
import static dev.regscope.testing.Scans.tag;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.regscope.core.Damage;
import dev.regscope.model.BrokenTag;
import dev.regscope.model.ScanProblem;
import dev.regscope.model.Snapshot;
import dev.regscope.storage.NioTreeReader;
import dev.regscope.testing.ForwardingTreeReader;
import dev.regscope.testing.RegistryTree;
import dev.regscope.testing.RegistryTree.Manifest;
import dev.regscope.testing.Scans;
import dev.regscope.testing.VanishingTreeReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The registry writes a tag link in place: it creates {@code current/}, then the file, truncates it
 * and writes the digest; a manifest delete removes the tag folder piece by piece. A scan that meets
 * a link in between reads its repository again before anything counts, so normal pushes, retags and
 * deletes raise no alarm; a link that stays damaged counts.
 */
class MidWriteLinksTest {
  private final FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
  private final RegistryTree tree = RegistryTree.at(fs.getPath("/v2"));
  private final RegistryTree.Repo app = tree.repo("app");
  private final Manifest pushed = image(tree.layer(10), tree.layer(20));
  private final List<ScanProblem> logged = new ArrayList<>();

  /**
   * The real reader, and once the scan has read the tags folder of {@code app} (every current/link
   * below it), the registry's write completes.
   */
  private final class WriteCompletesAfterTheScanLooked extends ForwardingTreeReader {
    private final AtomicReference<Runnable> write;

    WriteCompletesAfterTheScanLooked(Runnable write) {
      super(new NioTreeReader());
      this.write = new AtomicReference<>(write);
    }

    @Override
    public List<EntryFile> listAndRead(Path dir, String[] relative, int limit) throws IOException {
      List<EntryFile> files = super.listAndRead(dir, relative, limit);
      Runnable pending = write.getAndSet(null);
      if (pending != null) {
        pending.run();
      }
      return files;
    }

    boolean wrote() {
      return write.get() == null;
    }
  }

  private Snapshot scanWhile(WriteCompletesAfterTheScanLooked reader, Scanner[] kept)
      throws IOException {
    Scanner scanner = new Scanner(tree.layout(), reader, Scans.CLOCK, logged::add);
    kept[0] = scanner;
    Snapshot snapshot = scanner.scan();
    assertThat(reader.wrote()).as("the write happened after the scan read the link").isTrue();
    return snapshot;
  }

  private static void write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aLinkTruncatedByAPushOrRetagIsReadAgainNotCountedAsBadLink() throws IOException {
    app.push(pushed);
    write(app.currentLink("v1"), ""); // created or truncated, the digest not written yet
    Scanner[] scanner = new Scanner[1];

    Snapshot snapshot =
        scanWhile(
            new WriteCompletesAfterTheScanLooked(
                () -> write(app.currentLink("v1"), pushed.digest().toString())),
            scanner);

    assertThat(tag(snapshot, "app", "v1").digest()).isEqualTo(pushed.digest());
    assertThat(tag(snapshot, "app", "v1").sizeBytes()).isEqualTo(30);
    assertThat(snapshot.problems()).isEmpty();
    assertThat(logged).isEmpty();
    assertThat(scanner[0].linksReadAgain()).isEqualTo(1);
  }

  @Test
  void aTagFolderWhoseLinkIsNotWrittenYetIsReadAgainNotCountedAsMissingLink() throws IOException {
    app.push(pushed);
    Files.createDirectories(app.currentLink("v1").getParent()); // MkdirAll came first
    Scanner[] scanner = new Scanner[1];

    Snapshot snapshot =
        scanWhile(
            new WriteCompletesAfterTheScanLooked(
                () -> write(app.currentLink("v1"), pushed.digest().toString())),
            scanner);

    assertThat(tag(snapshot, "app", "v1").digest()).isEqualTo(pushed.digest());
    assertThat(snapshot.problems()).isEmpty();
    assertThat(logged).isEmpty();
  }

  @Test
  void aTagBeingDeletedIsGoneNotBroken() throws IOException {
    app.tag("v1", pushed);
    app.tag("doomed", image(tree.layer(5)));
    Files.delete(app.currentLink("doomed")); // the delete removed the link, not the folder yet
    Scanner[] scanner = new Scanner[1];

    Snapshot snapshot =
        scanWhile(
            new WriteCompletesAfterTheScanLooked(
                () -> VanishingTreeReader.deleteRecursively(app.tagDir("doomed"))),
            scanner);

    assertThat(repository(snapshot, "app").tags()).extracting("name").containsExactly("v1");
    assertThat(repository(snapshot, "app").brokenTags()).isEmpty();
    assertThat(snapshot.problems()).isEmpty();
  }

  @Test
  void aLinkThatStaysEmptyCountsAfterTheLastLookAndAtOnceInTheNextScan() throws IOException {
    app.tag("v1", pushed);
    write(app.currentLink("broken"), "");
    Scanner scanner = new Scanner(tree.layout(), new NioTreeReader(), Scans.CLOCK, logged::add);

    for (int scan = 1; scan <= 2; scan++) {
      Snapshot snapshot = scanner.scan();
      assertThat(repository(snapshot, "app").brokenTags())
          .containsExactly(new BrokenTag("broken", Damage.BAD_LINK));
      assertThat(snapshot.problems())
          .extracting(ScanProblem::path)
          .containsExactly(app.currentLink("broken"));
      assertThat(tag(snapshot, "app", "v1").sizeBytes()).isEqualTo(30);
    }
    // The first scan read it again after each pause; the second knew it from the first and did not
    // wait.
    assertThat(scanner.linksReadAgain()).isEqualTo(LinkRereads.PAUSES.size());
    assertThat(logged).hasSize(1);
  }
}
