package dev.regscope.storage;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@link TreeReader} over any {@code java.nio} file system: the default one in production, Jimfs in
 * tests.
 *
 * <p>Nothing below the root is reached through a symbolic link: every folder on the way to a path
 * is checked with {@code lstat} before the path is used, and the last component is opened with
 * {@code O_NOFOLLOW}. Only regular files are opened, their type checked first, because opening a
 * FIFO waits for a writer that may never come. A link or FIFO swapped in between the check and the
 * open by someone racing the scan is the one case left; the registry never does that, and the scan
 * timeout bounds it.
 */
public final class NioTreeReader implements TreeReader {
  private static final Set<OpenOption> READ_NO_FOLLOW =
      Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);

  private final NoFollowPaths paths;

  /** A reader that follows no symbolic link anywhere on a path, from the path's own root. */
  public NioTreeReader() {
    this(null);
  }

  /**
   * A reader of the tree below {@code root}: the root itself may be reached through links (the
   * operator chose it), nothing below it is.
   */
  public NioTreeReader(Path root) {
    this.paths = new NoFollowPaths(root);
  }

  @Override
  public List<Entry> list(Path dir) throws IOException {
    paths.checkFolders(dir);
    int subdirectories = FolderEntries.subdirectoryCount(dir);
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path child : stream) {
        children.add(child);
      }
    }
    List<Entry> entries = new ArrayList<>(children.size());
    // A folder's link count is 2 plus its subfolders (on ext4, xfs, tmpfs, NFS...): when it equals
    // the number of entries, every entry is a real folder and no symbolic link hides among them, so
    // one stat of the folder replaces one per entry. Registry folders (tags, repositories) are
    // nearly always all folders.
    boolean allDirectories = subdirectories == children.size();
    for (Path child : children) {
      entries.add(
          new Entry(
              Objects.requireNonNull(child.getFileName()).toString(),
              allDirectories ? EntryType.DIRECTORY : FolderEntries.typeOf(child)));
    }
    return entries;
  }

  @Override
  public List<String> names(Path dir) throws IOException {
    paths.checkFolders(dir);
    FolderEntries.subdirectoryCount(dir);
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path child : stream) {
        names.add(Objects.requireNonNull(child.getFileName()).toString());
      }
    }
    return names;
  }

  @Override
  public byte[] read(Path file, int limit) throws IOException {
    NoFollowPaths.checkRegularFile(file, paths.attributes(file));
    try (SeekableByteChannel channel = Files.newByteChannel(file, READ_NO_FOLLOW)) {
      return SmallFileReads.readAll(channel, file, limit);
    }
  }

  @Override
  public List<EntryFile> listAndRead(Path dir, String[] relative, int limit) throws IOException {
    paths.checkFolders(dir);
    int subdirectories = FolderEntries.subdirectoryCount(dir);
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      if (!(stream instanceof SecureDirectoryStream<Path> folder)) {
        return TreeReader.super.listAndRead(dir, relative, limit);
      }
      List<String> names = new ArrayList<>();
      for (Path child : stream) {
        names.add(Objects.requireNonNull(child.getFileName()).toString());
      }
      boolean allDirectories = subdirectories == names.size();
      List<EntryFile> files = new ArrayList<>(names.size());
      for (String name : names) {
        Path child = dir.getFileSystem().getPath(name);
        EntryType type = allDirectories ? EntryType.DIRECTORY : FolderEntries.typeOf(folder, child);
        Entry entry = new Entry(name, type);
        if (type != EntryType.DIRECTORY) {
          files.add(new EntryFile(entry, null, null));
          continue;
        }
        try {
          files.add(new EntryFile(entry, readBelow(folder, dir, name, relative, limit), null));
        } catch (IOException e) {
          files.add(new EntryFile(entry, null, e));
        }
      }
      return files;
    }
  }

  /**
   * Reads {@code <name>/<relative...>} relative to the open folder: each folder on the way is
   * checked with one {@code fstatat} (no full-path walk), the file's type too, then it is opened
   * without following a link.
   */
  private static byte[] readBelow(
      SecureDirectoryStream<Path> folder, Path dir, String name, String[] relative, int limit)
      throws IOException {
    Path below = dir.getFileSystem().getPath(name);
    Path way = dir.resolve(name);
    for (int i = 0; i < relative.length - 1; i++) {
      below = below.resolve(relative[i]);
      way = way.resolve(relative[i]);
      NoFollowPaths.checkFolder(way, relativeAttributes(folder, below, way));
    }
    below = below.resolve(relative[relative.length - 1]);
    way = way.resolve(relative[relative.length - 1]);
    NoFollowPaths.checkRegularFile(way, relativeAttributes(folder, below, way));
    try (SeekableByteChannel channel = folder.newByteChannel(below, READ_NO_FOLLOW)) {
      return SmallFileReads.readAll(channel, way, limit);
    }
  }

  private static BasicFileAttributes relativeAttributes(
      SecureDirectoryStream<Path> folder, Path relative, Path full) throws IOException {
    try {
      return folder
          .getFileAttributeView(relative, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .readAttributes();
    } catch (java.nio.file.NoSuchFileException e) {
      throw new java.nio.file.NoSuchFileException(full.toString());
    }
  }

  @Override
  public List<String> containing(Path dir, String name) throws IOException {
    List<String> found = new ArrayList<>();
    paths.checkFolders(dir);
    if (!FolderEntries.statEach(
        dir,
        name,
        (entry, type, file) -> {
          if (type == EntryType.DIRECTORY && file != null) {
            found.add(entry);
          }
        })) {
      return TreeReader.super.containing(dir, name);
    }
    return found;
  }

  /**
   * One listing and one {@code fstatat} per entry, as {@link #containing}; only an entry whose file
   * was not found is looked at again, to tell an absence (or a plain file, which holds nothing)
   * from a failure. An entry that is a symbolic link is not looked through: it is unreadable.
   */
  @Override
  public Linked linkedEntries(Path dir, String name) throws IOException {
    List<String> present = new ArrayList<>();
    List<String> notFound = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    paths.checkFolders(dir);
    if (!FolderEntries.statEach(
        dir,
        name,
        (entry, type, file) -> {
          if (type == EntryType.SYMLINK) {
            unreadable.add(entry);
          } else if (type == EntryType.DIRECTORY) {
            (file != null ? present : notFound).add(entry);
          }
        })) {
      return TreeReader.super.linkedEntries(dir, name);
    }
    for (String entry : notFound) {
      Path file = dir.resolve(entry).resolve(name);
      try {
        paths.attributes(file);
        present.add(entry); // written since the first look
      } catch (java.nio.file.NoSuchFileException absent) {
        // absent indeed
      } catch (IOException e) {
        unreadable.add(entry);
      }
    }
    return new Linked(present, unreadable);
  }

  @Override
  public List<SizedEntry> sizesOf(Path dir, String name) throws IOException {
    List<SizedEntry> sizes = new ArrayList<>();
    paths.checkFolders(dir);
    if (!FolderEntries.statEach(
        dir,
        name,
        (entry, type, file) -> {
          long size = -1;
          if (type == EntryType.SYMLINK || (file != null && file.isSymbolicLink())) {
            size = SizedEntry.SYMBOLIC_LINK;
          } else if (file != null && file.isRegularFile()) {
            size = file.size();
          }
          sizes.add(new SizedEntry(entry, size));
        })) {
      return TreeReader.super.sizesOf(dir, name);
    }
    return sizes;
  }

  @Override
  public long size(Path file) throws IOException {
    BasicFileAttributes attributes = paths.attributes(file);
    NoFollowPaths.checkRegularFile(file, attributes);
    return attributes.size();
  }

  @Override
  public FileTime modifiedTime(Path path) throws IOException {
    return paths.attributes(path).lastModifiedTime();
  }

  @Override
  public boolean isSymbolicLink(Path path) {
    try {
      return paths.attributes(path).isSymbolicLink();
    } catch (SymbolicLinkException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public boolean exists(Path path) {
    try {
      paths.attributes(path);
      return true;
    } catch (IOException e) {
      return false; // absent, or reached only through a symbolic link
    }
  }
}
