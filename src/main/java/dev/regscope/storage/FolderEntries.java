package dev.regscope.storage;

import dev.regscope.storage.TreeReader.EntryType;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The entries of a folder and what they are, with as few system calls as the folder allows: its
 * link count says when every entry is a real folder, and entries are statted relative to the open
 * folder. Never looks through a symbolic link.
 */
final class FolderEntries {
  private FolderEntries() {}

  /**
   * The number of subfolders the link count of {@code dir} implies, or -1 where it does not tell
   * (file systems such as btrfs report 1); refuses a symbolic link.
   */
  static int subdirectoryCount(Path dir) throws IOException {
    Map<String, Object> attributes;
    try {
      attributes =
          Files.readAttributes(dir, "unix:nlink,isSymbolicLink", LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      if (Files.isSymbolicLink(dir)) {
        throw new SymbolicLinkException(dir);
      }
      return -1;
    }
    if (Boolean.TRUE.equals(attributes.get("isSymbolicLink"))) {
      throw new SymbolicLinkException(dir);
    }
    Object links = attributes.get("nlink");
    return links instanceof Integer n && n >= 2 ? n - 2 : -1;
  }

  static EntryType typeOf(Path path) {
    try {
      return typeOf(
          Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
    } catch (IOException vanished) {
      // Listed a moment ago, gone now: the caller meets the same absence when it looks inside.
      return EntryType.OTHER;
    }
  }

  static EntryType typeOf(BasicFileAttributes attributes) {
    return attributes.isSymbolicLink()
        ? EntryType.SYMLINK
        : attributes.isDirectory()
            ? EntryType.DIRECTORY
            : attributes.isRegularFile() ? EntryType.FILE : EntryType.OTHER;
  }

  /** What {@link #statEach} found for one entry: its type, and the file inside it or null. */
  interface EntryStat {
    void accept(String entry, EntryType type, BasicFileAttributes file);
  }

  /**
   * Stats {@code <entry>/<name>} for each entry of {@code dir} that is a real folder, relative to
   * the open folder (one {@code fstatat} each, no full-path walk); the file is null where it is
   * absent or the entry is not a folder (a link is not looked through). False if the platform
   * offers no secure directory stream; then nothing was handed over.
   */
  static boolean statEach(Path dir, String name, EntryStat each) throws IOException {
    int subdirectories = subdirectoryCount(dir);
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      if (!(stream instanceof SecureDirectoryStream<Path> folder)) {
        return false;
      }
      List<String> entries = new ArrayList<>();
      for (Path child : stream) {
        entries.add(Objects.requireNonNull(child.getFileName()).toString());
      }
      // Usually every entry is a real folder, which the link count says with no stat per entry.
      boolean allDirectories = subdirectories == entries.size();
      for (String entry : entries) {
        EntryType type =
            allDirectories
                ? EntryType.DIRECTORY
                : typeOf(folder, dir.getFileSystem().getPath(entry));
        BasicFileAttributes file = null;
        if (type == EntryType.DIRECTORY) {
          try {
            file =
                folder
                    .getFileAttributeView(
                        dir.getFileSystem().getPath(entry, name),
                        BasicFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
          } catch (IOException absent) {
            file = null;
          }
        }
        each.accept(entry, type, file);
      }
      return true;
    }
  }

  static EntryType typeOf(SecureDirectoryStream<Path> folder, Path child) {
    try {
      return typeOf(
          folder
              .getFileAttributeView(child, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
              .readAttributes());
    } catch (IOException vanished) {
      return EntryType.OTHER;
    }
  }
}
