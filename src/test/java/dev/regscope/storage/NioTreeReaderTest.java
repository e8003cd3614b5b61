package dev.regscope.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regscope.storage.TreeReader.EntryFile;
import dev.regscope.testing.Fifo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader on a real Linux folder, where the kernel would follow a symbolic link in any folder of
 * a path and would wait forever opening a FIFO: neither happens.
 */
@Timeout(60)
class NioTreeReaderTest {
  private static final String LINK = "sha256:" + "a".repeat(64);
  private static final String OTHER = "sha256:" + "b".repeat(64);

  @TempDir Path dir;

  private Path root;
  private NioTreeReader reader;

  private Path write(String relative, String content) throws IOException {
    Path file = root.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    return file;
  }

  private void setUp() throws IOException {
    root = Files.createDirectories(dir.resolve("registry/docker/registry/v2"));
    reader = new NioTreeReader(root);
    write("repositories/team/app/_manifests/tags/v1/current/link", LINK);
    write("blobs/sha256/aa/" + "a".repeat(64) + "/data", "{}");
    // What each link would lead to: another tag's link, another blob.
    write("elsewhere/tags/v1/current/link", OTHER);
    write("elsewhere/blob/data", "{\"other\": true}");
  }

  /**
   * Each folder on the way to {@code file} in turn replaced by a symbolic link to a folder that
   * holds the same path with other content: the reader must refuse, naming the link, every time.
   */
  private void refusedAtEveryFolder(String relative) throws IOException {
    Path file = root.resolve(relative);
    List<Path> folders = new ArrayList<>();
    for (Path folder = file.getParent(); !folder.equals(root); folder = folder.getParent()) {
      folders.add(folder);
    }
    assertThat(folders).hasSizeGreaterThanOrEqualTo(4);
    for (Path folder : folders) {
      Path moved = dir.resolve("moved-" + folder.getFileName());
      Files.move(folder, moved);
      Files.createSymbolicLink(folder, moved);
      // A fresh reader: a long-lived one checks a folder it found real again only after a second.
      reader = new NioTreeReader(root);
      try {
        assertThatThrownBy(() -> reader.read(file, 1024))
            .as("reading %s through the link %s", file, folder)
            .isInstanceOf(SymbolicLinkException.class)
            .hasMessageContaining(folder.toString());
        assertThatThrownBy(() -> reader.size(file)).isInstanceOf(SymbolicLinkException.class);
        assertThat(reader.exists(file)).isFalse();
        assertThat(reader.isSymbolicLink(file)).isTrue();
        if (!folder.equals(file.getParent())) {
          assertThatThrownBy(() -> reader.list(file.getParent()))
              .isInstanceOf(SymbolicLinkException.class);
        }
      } finally {
        Files.delete(folder);
        Files.move(moved, folder);
      }
      assertThat(reader.read(file, 1024)).isNotEmpty();
    }
  }

  @Test
  void noFolderOnTheWayToATagLinkIsFollowed() throws IOException {
    setUp();
    refusedAtEveryFolder("repositories/team/app/_manifests/tags/v1/current/link");
  }

  @Test
  void noFolderOnTheWayToABlobIsFollowed() throws IOException {
    setUp();
    refusedAtEveryFolder("blobs/sha256/aa/" + "a".repeat(64) + "/data");
  }

  @Test
  void aFolderSwappedForALinkIsNoticedWithinASecondByAReaderThatFoundItReal() throws Exception {
    setUp();
    Path link = root.resolve("repositories/team/app/_manifests/tags/v1/current/link");
    assertThat(reader.read(link, 1024)).isNotEmpty();
    Path folder = root.resolve("repositories/team");
    Files.move(folder, dir.resolve("moved-team"));
    Files.createSymbolicLink(folder, dir.resolve("moved-team"));

    Thread.sleep(NoFollowPaths.RECHECK_AFTER_NANOS / 1_000_000 + 100);

    assertThatThrownBy(() -> reader.read(link, 1024))
        .isInstanceOf(SymbolicLinkException.class)
        .hasMessageContaining(folder.toString());
  }

  @Test
  void aCurrentFolderLinkedToAnotherTagIsNotReadThroughWhenListingTags() throws IOException {
    setUp();
    Path current = root.resolve("repositories/team/app/_manifests/tags/v2/current");
    Files.createDirectories(current.getParent());
    Files.createSymbolicLink(current, root.resolve("elsewhere/tags/v1/current"));

    List<EntryFile> files =
        reader.listAndRead(
            root.resolve("repositories/team/app/_manifests/tags"),
            new String[] {"current", "link"},
            1024);

    assertThat(files).hasSize(2);
    for (EntryFile file : files) {
      if (file.entry().name().equals("v1")) {
        assertThat(new String(file.content(), StandardCharsets.UTF_8)).isEqualTo(LINK);
      } else {
        assertThat(file.content()).isNull();
        assertThat(file.failure())
            .isInstanceOf(SymbolicLinkException.class)
            .hasMessageContaining(current.toString());
      }
    }
  }

  @Test
  void blobFoldersThatAreLinksHaveNoSizeAndAreMarked() throws IOException {
    setUp();
    Path prefix = root.resolve("blobs/sha256/aa");
    Files.createSymbolicLink(prefix.resolve("c".repeat(64)), root.resolve("elsewhere/blob"));

    List<SizedEntry> sizes = reader.sizesOf(prefix, "data");

    assertThat(sizes)
        .containsExactlyInAnyOrder(
            new SizedEntry("a".repeat(64), 2), new SizedEntry("c".repeat(64), -2));
    assertThat(reader.containing(prefix, "data")).containsExactly("a".repeat(64));
  }

  @Test
  void theRootItselfMayBeReachedThroughALink() throws IOException {
    setUp();
    Path linkedRoot = dir.resolve("mounted");
    Files.createSymbolicLink(linkedRoot, root);
    NioTreeReader throughLink = new NioTreeReader(linkedRoot);

    Path link = linkedRoot.resolve("repositories/team/app/_manifests/tags/v1/current/link");
    assertThat(new String(throughLink.read(link, 1024), StandardCharsets.UTF_8)).isEqualTo(LINK);
    // A reader without a root checks every folder, the link above the tree included.
    assertThatThrownBy(() -> new NioTreeReader().read(link, 1024))
        .isInstanceOf(SymbolicLinkException.class);
  }

  @Test
  void aFifoIsNeverOpened() throws IOException {
    setUp();
    Path link = Fifo.at(root.resolve("repositories/team/app/_manifests/tags/v2/current/link"));
    Path data = Fifo.at(root.resolve("blobs/sha256/aa/" + "d".repeat(64) + "/data"));

    // Opening either for reading would wait for a writer forever (the class's timeout fails it).
    assertThatThrownBy(() -> reader.read(link, 1024)).isInstanceOf(SpecialFileException.class);
    assertThatThrownBy(() -> reader.read(data, 1024)).isInstanceOf(SpecialFileException.class);
    assertThatThrownBy(() -> reader.size(data)).isInstanceOf(SpecialFileException.class);
    List<EntryFile> tags =
        reader.listAndRead(
            root.resolve("repositories/team/app/_manifests/tags"),
            new String[] {"current", "link"},
            1024);
    assertThat(tags)
        .filteredOn(file -> file.entry().name().equals("v2"))
        .singleElement()
        .satisfies(file -> assertThat(file.failure()).isInstanceOf(SpecialFileException.class));
    assertThat(reader.sizesOf(root.resolve("blobs/sha256/aa"), "data"))
        .contains(new SizedEntry("d".repeat(64), -1));
  }
}
