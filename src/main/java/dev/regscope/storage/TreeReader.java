package dev.regscope.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The few file operations a scan performs, none of which follows a symbolic link or writes anything.
 *
 * <p>It is an interface so tests can wrap the real implementation to make files vanish or reads fail at a
 * chosen moment, which Jimfs alone cannot do.
 */
public interface TreeReader {
  /** The kind of a folder entry, read without following links. */
  enum EntryType { DIRECTORY, FILE, SYMLINK, OTHER }

  /** A named entry of a folder. */
  record Entry(String name, EntryType type) {}

  /**
   * The entries of a folder with their types. Throws {@link java.nio.file.NoSuchFileException} if it is gone and
   * {@link java.nio.file.NotDirectoryException} if it is a symbolic link.
   */
  List<Entry> list(Path dir) throws IOException;

  /** The names in a folder, without looking at what they are (one listing, no per-entry calls). */
  List<String> names(Path dir) throws IOException;

  /**
   * Reads a whole regular file of at most {@code limit} bytes, refusing symbolic links.
   *
   * @throws FileTooLargeException if the file holds more than {@code limit} bytes (the rest is not read)
   */
  byte[] read(Path file, int limit) throws IOException;

  /** The size in bytes of a regular file, refusing symbolic links. */
  long size(Path file) throws IOException;

  /** Whether the path is a symbolic link; asked only after an operation failed, to name the reason. */
  boolean isSymbolicLink(Path path);

  /** Whether anything exists at the path, without following a final link. */
  boolean exists(Path path);
}
