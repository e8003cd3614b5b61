package dev.regscope.testing;

import com.google.common.hash.Hashing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.TreeMap;

/**
 * What every file, folder and symbolic link below a folder looks like, read without following
 * links: to prove that something left a tree exactly as it was. Access times are left out, since
 * reading changes them.
 */
public final class TreeFingerprint {
  /**
   * One entry: its kind, size and modification time; for a regular file the sha256 of its content,
   * for a link its target; and, where the file system has a {@code unix} view, the status change
   * time (chmod, chown, link).
   */
  public record State(
      String kind, long size, FileTime modified, Object changed, String sha256, String target) {}

  private TreeFingerprint() {}

  /** Every path below {@code root} (relative, as text) with its state. */
  public static Map<String, State> of(Path root) {
    Map<String, State> states = new TreeMap<>();
    walk(root, path -> states.put(root.relativize(path).toString(), state(path)));
    return states;
  }

  /**
   * Sets the modification time of every file and folder (not links) to {@code time}, so any write
   * would show.
   */
  public static void backdate(Path root, FileTime time) {
    walk(
        root,
        path -> {
          if (!Files.isSymbolicLink(path)) {
            try {
              Files.getFileAttributeView(
                      path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                  .setTimes(time, null, null);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
        });
  }

  private interface Visit {
    void accept(Path path) throws IOException;
  }

  private static void walk(Path root, Visit visit) {
    try {
      // No FOLLOW_LINKS: a link is visited as a file, never entered.
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes)
                throws IOException {
              visit.accept(dir);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
                throws IOException {
              visit.accept(file);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static State state(Path path) throws IOException {
    BasicFileAttributes attributes =
        Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    Object changed =
        path.getFileSystem().supportedFileAttributeViews().contains("unix")
            ? Files.getAttribute(path, "unix:ctime", LinkOption.NOFOLLOW_LINKS)
            : null;
    String kind =
        attributes.isSymbolicLink()
            ? "link"
            : attributes.isDirectory() ? "folder" : attributes.isRegularFile() ? "file" : "other";
    String sha256 =
        attributes.isRegularFile()
            ? Hashing.sha256().hashBytes(Files.readAllBytes(path)).toString()
            : null;
    String target = attributes.isSymbolicLink() ? Files.readSymbolicLink(path).toString() : null;
    return new State(
        kind, attributes.size(), attributes.lastModifiedTime(), changed, sha256, target);
  }
}
