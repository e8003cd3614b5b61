package dev.regscope.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reaches paths below a root without following a symbolic link: every folder on the way is checked
 * with {@code lstat} (the kernel would follow a link there silently), and a file's type is checked
 * before it is opened. A folder found real is not checked again for {@link #RECHECK_AFTER_NANOS}: a
 * scan reaches {@code repositories/} and each repository's folders many times a second.
 */
final class NoFollowPaths {
  static final long RECHECK_AFTER_NANOS = 1_000_000_000L;

  /** Beyond this many folders remembered, the stale ones are forgotten (blob folders pass once). */
  private static final int REMEMBERED = 8192;

  private final Path root;
  private final ConcurrentHashMap<Path, Long> realFolders = new ConcurrentHashMap<>();

  /**
   * @param root where the checks start (the root itself may be a link), or null to check every
   *     folder of a path from its own root
   */
  NoFollowPaths(Path root) {
    this.root = root;
  }

  /** The attributes of {@code path} itself (a final link is not followed), checked on the way. */
  BasicFileAttributes attributes(Path path) throws IOException {
    checkFolders(path);
    return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Checks that every folder between the root and {@code path} (both excluded) is a real folder,
   * not a symbolic link: the kernel would follow one silently.
   */
  void checkFolders(Path path) throws IOException {
    Path folder;
    int first;
    if (root != null && path.startsWith(root)) {
      folder = root;
      first = root.getNameCount();
    } else {
      folder = path.getRoot();
      first = 0;
    }
    long now = System.nanoTime();
    for (int i = first; i < path.getNameCount() - 1; i++) {
      Path name = path.getName(i);
      folder = folder == null ? name : folder.resolve(name);
      Long checkedAt = realFolders.get(folder);
      if (checkedAt != null && now - checkedAt < RECHECK_AFTER_NANOS) {
        continue;
      }
      checkFolder(
          folder,
          Files.readAttributes(folder, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
      remember(folder, now);
    }
  }

  private void remember(Path folder, long now) {
    if (realFolders.size() >= REMEMBERED) {
      realFolders.values().removeIf(at -> now - at >= RECHECK_AFTER_NANOS);
      if (realFolders.size() >= REMEMBERED) {
        realFolders.clear();
      }
    }
    realFolders.put(folder, now);
  }

  static void checkFolder(Path folder, BasicFileAttributes attributes) throws IOException {
    if (attributes.isSymbolicLink()) {
      throw new SymbolicLinkException(folder);
    }
    if (!attributes.isDirectory()) {
      throw new NotDirectoryException(folder.toString());
    }
  }

  /** Refuses a link and a FIFO, socket or device; a folder is left to fail when opened. */
  static void checkRegularFile(Path file, BasicFileAttributes attributes) throws IOException {
    if (attributes.isSymbolicLink()) {
      throw new SymbolicLinkException(file);
    }
    if (attributes.isOther()) {
      throw new SpecialFileException(file);
    }
  }
}
