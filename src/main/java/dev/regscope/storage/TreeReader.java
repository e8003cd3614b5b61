package dev.regscope.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The few file operations a scan performs, none of which follows a symbolic link or writes
 * anything.
 *
 * <p>It is an interface so tests can wrap the real implementation to make files vanish or reads
 * fail at a chosen moment, which Jimfs alone cannot do.
 */
public interface TreeReader {
  /**
   * The reader one scan uses, called as the scan starts. A file system is read live, so this
   * default is the reader itself; object storage lists the whole tree here, once, and answers the
   * scan from that listing. Throws when nothing trustworthy can be read (a listing that fails): the
   * scan fails and the previous snapshot stays published.
   */
  default TreeReader beginScan() throws IOException {
    return this;
  }

  /**
   * Called on the reader {@link #beginScan} returned, once the scan has read everything. Throws
   * when the storage failed under the scan in a way that makes its result untrustworthy (object
   * storage that stopped answering): damage of the tree itself is never such a failure.
   */
  default void endScan() throws IOException {}

  /**
   * Whether each read waits on a round trip to remote storage (object storage), so a scan gains
   * from every thread it may use from the start; a file system often answers from memory, and the
   * scan measures which it is.
   */
  default boolean remote() {
    return false;
  }

  /** The kind of a folder entry, read without following links. */
  enum EntryType {
    DIRECTORY,
    FILE,
    SYMLINK,
    OTHER
  }

  /** A named entry of a folder. */
  record Entry(String name, EntryType type) {}

  /**
   * The entries of a folder with their types. Throws {@link java.nio.file.NoSuchFileException} if
   * it is gone and {@link java.nio.file.NotDirectoryException} if it is a symbolic link.
   */
  List<Entry> list(Path dir) throws IOException;

  /** The names in a folder, without looking at what they are (one listing, no per-entry calls). */
  List<String> names(Path dir) throws IOException;

  /**
   * Reads a whole regular file of at most {@code limit} bytes, refusing symbolic links.
   *
   * @throws FileTooLargeException if the file holds more than {@code limit} bytes (the rest is not
   *     read)
   */
  byte[] read(Path file, int limit) throws IOException;

  /** The size in bytes of a regular file, refusing symbolic links. */
  long size(Path file) throws IOException;

  /**
   * Whether the path is a symbolic link; asked only after an operation failed, to name the reason.
   */
  boolean isSymbolicLink(Path path);

  /** Whether anything exists at the path, without following a final link. */
  boolean exists(Path path);

  /** The last-modified time of a file or folder, without following a final link. */
  default FileTime modifiedTime(Path path) throws IOException {
    return Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * An entry of a folder with the small file read below it: {@code content} when it could be read,
   * otherwise the {@code failure} (only for folder entries; other entries carry neither).
   */
  record EntryFile(Entry entry, byte[] content, IOException failure) {}

  /**
   * Lists {@code dir} and, below each entry that is a folder, reads the file at {@code relative}
   * (such as {@code current/link} below each tag), never following a link. This default lists and
   * reads by full path; {@link NioTreeReader} reads relative to the open folder, which spares the
   * kernel walking the whole path for each of hundreds of thousands of small files.
   */
  default List<EntryFile> listAndRead(Path dir, String[] relative, int limit) throws IOException {
    List<EntryFile> files = new ArrayList<>();
    for (Entry entry : list(dir)) {
      if (entry.type() != EntryType.DIRECTORY) {
        files.add(new EntryFile(entry, null, null));
        continue;
      }
      Path file = dir.resolve(entry.name());
      for (String part : relative) {
        file = file.resolve(part);
      }
      try {
        files.add(new EntryFile(entry, read(file, limit), null));
      } catch (IOException e) {
        files.add(new EntryFile(entry, null, e));
      }
    }
    return files;
  }

  /**
   * For each entry of {@code dir}, the size of the file {@code name} inside it, or -1 where there
   * is none or it is a link (such as the {@code data} file of each blob of a prefix folder), in
   * listing order. A list, not a map: a census hashes nothing it does not need to.
   */
  default List<SizedEntry> sizesOf(Path dir, String name) throws IOException {
    List<SizedEntry> sizes = new ArrayList<>();
    for (String entry : names(dir)) {
      long size;
      try {
        size = size(dir.resolve(entry).resolve(name));
      } catch (IOException e) {
        size = -1;
      }
      sizes.add(new SizedEntry(entry, size));
    }
    return sizes;
  }

  /**
   * What {@link #linkedEntries} found: the folder entries holding the file, and those whose file
   * could not be checked for a reason other than its absence (permission denied, an I/O error).
   */
  record Linked(List<String> present, List<String> unreadable) {}

  /**
   * Like {@link #containing}, but an error is never read as an absence: an entry whose file cannot
   * be checked is reported apart. This default checks again, one by one, only the folder entries
   * {@link #containing} did not return (in a registry, the empty folders deletes leave behind).
   */
  default Linked linkedEntries(Path dir, String name) throws IOException {
    List<String> present = containing(dir, name);
    List<Entry> entries = list(dir);
    if (entries.size() == present.size()) {
      return new Linked(present, List.of());
    }
    java.util.Set<String> known = new java.util.HashSet<>(present);
    List<String> found = new ArrayList<>(present);
    List<String> unreadable = new ArrayList<>();
    for (Entry entry : entries) {
      if (known.contains(entry.name()) || entry.type() != EntryType.DIRECTORY) {
        continue; // counted, or not a folder that could hold it
      }
      try {
        modifiedTime(dir.resolve(entry.name()).resolve(name));
        found.add(entry.name()); // written since the first look
      } catch (java.nio.file.NoSuchFileException absent) {
        // absent indeed
      } catch (IOException e) {
        unreadable.add(entry.name());
      }
    }
    return new Linked(found, unreadable);
  }

  /**
   * The entries of {@code dir} that have a file named {@code name} inside them (links not
   * followed).
   */
  default List<String> containing(Path dir, String name) throws IOException {
    List<String> found = new ArrayList<>();
    for (String entry : names(dir)) {
      if (exists(dir.resolve(entry).resolve(name))) {
        found.add(entry);
      }
    }
    return found;
  }
}
