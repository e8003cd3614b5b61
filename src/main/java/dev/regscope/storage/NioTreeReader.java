package dev.regscope.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * {@link TreeReader} over any {@code java.nio} file system: the default one in production, Jimfs in
 * tests.
 */
public final class NioTreeReader implements TreeReader {
  private static final Set<OpenOption> READ_NO_FOLLOW =
      Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);

  /**
   * Link files and most manifests fit here; a scan reads hundreds of thousands, so the buffer is
   * reused.
   */
  private static final int SMALL_READ = 8192;

  private static final int SHORT_READ_IS_END = 4096;
  private static final ThreadLocal<ByteBuffer> SMALL_READS =
      ThreadLocal.withInitial(() -> ByteBuffer.allocate(SMALL_READ));

  @Override
  public List<Entry> list(Path dir) throws IOException {
    int subdirectories = subdirectoryCount(dir);
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path child : stream) {
        children.add(child);
      }
    }
    List<Entry> entries = new ArrayList<>(children.size());
    // A folder's link count is 2 plus its subfolders (on ext4, xfs, tmpfs, NFS...): when it equals
    // the number of
    // entries, every entry is a real folder and no symbolic link hides among them, so one stat of
    // the folder
    // replaces one per entry. Registry folders (tags, repositories) are nearly always all folders.
    boolean allDirectories = subdirectories == children.size();
    for (Path child : children) {
      entries.add(
          new Entry(
              child.getFileName().toString(),
              allDirectories ? EntryType.DIRECTORY : typeOf(child)));
    }
    return entries;
  }

  /**
   * The number of subfolders the link count of {@code dir} implies, or -1 where it does not tell
   * (file systems such as btrfs report 1); refuses a symbolic link.
   */
  private static int subdirectoryCount(Path dir) throws IOException {
    Map<String, Object> attributes;
    try {
      attributes =
          Files.readAttributes(dir, "unix:nlink,isSymbolicLink", LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      if (Files.isSymbolicLink(dir)) {
        throw new NotDirectoryException(dir.toString());
      }
      return -1;
    }
    if (Boolean.TRUE.equals(attributes.get("isSymbolicLink"))) {
      throw new NotDirectoryException(dir.toString());
    }
    Object links = attributes.get("nlink");
    return links instanceof Integer n && n >= 2 ? n - 2 : -1;
  }

  private static EntryType typeOf(Path path) {
    try {
      BasicFileAttributes attributes =
          Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (attributes.isSymbolicLink()) {
        return EntryType.SYMLINK;
      }
      if (attributes.isDirectory()) {
        return EntryType.DIRECTORY;
      }
      return attributes.isRegularFile() ? EntryType.FILE : EntryType.OTHER;
    } catch (IOException vanished) {
      // Listed a moment ago, gone now: the caller meets the same absence when it looks inside.
      return EntryType.OTHER;
    }
  }

  @Override
  public List<String> names(Path dir) throws IOException {
    if (Files.isSymbolicLink(dir)) {
      throw new NotDirectoryException(dir.toString());
    }
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path child : stream) {
        names.add(child.getFileName().toString());
      }
    }
    return names;
  }

  @Override
  public byte[] read(Path file, int limit) throws IOException {
    try (SeekableByteChannel channel = Files.newByteChannel(file, READ_NO_FOLLOW)) {
      return readAll(channel, file, limit);
    }
  }

  @Override
  public List<EntryFile> listAndRead(Path dir, String[] relative, int limit) throws IOException {
    int subdirectories = subdirectoryCount(dir);
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      if (!(stream instanceof SecureDirectoryStream<Path> folder)) {
        return TreeReader.super.listAndRead(dir, relative, limit);
      }
      List<String> names = new ArrayList<>();
      for (Path child : stream) {
        names.add(child.getFileName().toString());
      }
      boolean allDirectories = subdirectories == names.size();
      List<EntryFile> files = new ArrayList<>(names.size());
      for (String name : names) {
        Path child = dir.getFileSystem().getPath(name);
        EntryType type = allDirectories ? EntryType.DIRECTORY : typeOf(folder, child);
        if (type != EntryType.DIRECTORY) {
          files.add(new EntryFile(new Entry(name, type), null, null));
          continue;
        }
        Path file = dir.getFileSystem().getPath(name, relative);
        try (SeekableByteChannel channel = folder.newByteChannel(file, READ_NO_FOLLOW)) {
          files.add(
              new EntryFile(
                  new Entry(name, type), readAll(channel, dir.resolve(file), limit), null));
        } catch (IOException e) {
          files.add(new EntryFile(new Entry(name, type), null, e));
        }
      }
      return files;
    }
  }

  @Override
  public List<String> containing(Path dir, String name) throws IOException {
    List<String> found = new ArrayList<>();
    if (!statEach(
        dir,
        name,
        (entry, attributes) -> {
          if (attributes != null) {
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
   * from a failure.
   */
  @Override
  public Linked linkedEntries(Path dir, String name) throws IOException {
    List<String> present = new ArrayList<>();
    List<String> notFound = new ArrayList<>();
    if (!statEach(
        dir, name, (entry, attributes) -> (attributes != null ? present : notFound).add(entry))) {
      return TreeReader.super.linkedEntries(dir, name);
    }
    if (notFound.isEmpty()) {
      return new Linked(present, List.of());
    }
    List<String> unreadable = new ArrayList<>();
    for (String entry : notFound) {
      Path file = dir.resolve(entry).resolve(name);
      try {
        Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        present.add(entry); // written since the first look
      } catch (java.nio.file.NoSuchFileException absent) {
        // absent indeed
      } catch (IOException e) {
        if (Files.isDirectory(dir.resolve(entry), LinkOption.NOFOLLOW_LINKS)) {
          unreadable.add(entry);
        }
      }
    }
    return new Linked(present, unreadable);
  }

  @Override
  public List<SizedEntry> sizesOf(Path dir, String name) throws IOException {
    List<SizedEntry> sizes = new ArrayList<>();
    if (!statEach(
        dir,
        name,
        (entry, attributes) ->
            sizes.add(
                new SizedEntry(
                    entry,
                    attributes != null && attributes.isRegularFile() ? attributes.size() : -1L)))) {
      return TreeReader.super.sizesOf(dir, name);
    }
    return sizes;
  }

  /**
   * Stats {@code <entry>/<name>} for each entry of {@code dir}, relative to the open folder (one
   * {@code fstatat} each, no full-path walk), handing null attributes where it is absent. False if
   * the platform offers no secure directory stream; then nothing was handed over.
   */
  private static boolean statEach(
      Path dir, String name, BiConsumer<String, BasicFileAttributes> each) throws IOException {
    if (Files.isSymbolicLink(dir)) {
      throw new NotDirectoryException(dir.toString());
    }
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      if (!(stream instanceof SecureDirectoryStream<Path> folder)) {
        return false;
      }
      List<String> entries = new ArrayList<>();
      for (Path child : stream) {
        entries.add(child.getFileName().toString());
      }
      for (String entry : entries) {
        BasicFileAttributes attributes;
        try {
          attributes =
              folder
                  .getFileAttributeView(
                      dir.getFileSystem().getPath(entry, name),
                      BasicFileAttributeView.class,
                      LinkOption.NOFOLLOW_LINKS)
                  .readAttributes();
        } catch (IOException absent) {
          attributes = null;
        }
        each.accept(entry, attributes);
      }
      return true;
    }
  }

  private static EntryType typeOf(SecureDirectoryStream<Path> folder, Path child) {
    try {
      BasicFileAttributes attributes =
          folder
              .getFileAttributeView(child, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
              .readAttributes();
      return attributes.isSymbolicLink()
          ? EntryType.SYMLINK
          : attributes.isDirectory()
              ? EntryType.DIRECTORY
              : attributes.isRegularFile() ? EntryType.FILE : EntryType.OTHER;
    } catch (IOException vanished) {
      return EntryType.OTHER;
    }
  }

  private static byte[] readAll(SeekableByteChannel channel, Path file, int limit)
      throws IOException {
    // Read up to one byte past the limit instead of asking for the size: one call fewer, and a file
    // that
    // grows between a size check and the read cannot slip through.
    ByteBuffer buffer = SMALL_READS.get().clear().limit(Math.min(limit + 1, SMALL_READ));
    while (true) {
      if (!buffer.hasRemaining()) {
        if (buffer.limit() > limit) {
          throw new FileTooLargeException(file.toString(), limit);
        }
        ByteBuffer bigger = ByteBuffer.allocate(Math.min(limit + 1, buffer.limit() * 4));
        buffer.flip();
        bigger.put(buffer);
        buffer = bigger;
      }
      int before = buffer.position();
      int n = channel.read(buffer);
      if (n < 0
          || (n > 0
              && buffer.hasRemaining()
              && buffer.position() <= SHORT_READ_IS_END
              && before == 0)) {
        // A first read that stops short inside one page is the end of a regular file: this saves
        // the second
        // read, which matters for the hundreds of thousands of 71-byte link files a scan reads.
        return Arrays.copyOf(buffer.array(), buffer.position());
      }
    }
  }

  @Override
  public long size(Path file) throws IOException {
    BasicFileAttributes attributes =
        Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (attributes.isSymbolicLink()) {
      throw new java.nio.file.FileSystemException(file.toString(), null, "is a symbolic link");
    }
    return attributes.size();
  }

  @Override
  public boolean isSymbolicLink(Path path) {
    return Files.isSymbolicLink(path);
  }

  @Override
  public boolean exists(Path path) {
    return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
  }
}
