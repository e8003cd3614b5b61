package dev.regscope.testing;

import dev.regscope.storage.NioTreeReader;
import dev.regscope.storage.TreeReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link NioTreeReader} that, right after a chosen folder is listed or a chosen file is read,
 * really deletes chosen files and folders from the file system, as the registry's garbage collector
 * does while a scan runs. Each trigger fires once. Safe for a scan that reads from several threads.
 */
public final class VanishingTreeReader implements TreeReader {
  private final TreeReader delegate = new NioTreeReader();
  private final Map<Path, List<Path>> afterListing = new ConcurrentHashMap<>();
  private final Map<Path, List<Path>> afterReading = new ConcurrentHashMap<>();

  /** Deletes {@code doomed} (folders with all they hold) as soon as {@code dir} has been listed. */
  public VanishingTreeReader deleteAfterListing(Path dir, Path... doomed) {
    afterListing.computeIfAbsent(dir, d -> new ArrayList<>()).addAll(List.of(doomed));
    return this;
  }

  /** Deletes {@code doomed} as soon as {@code file} has been read. */
  public VanishingTreeReader deleteAfterReading(Path file, Path... doomed) {
    afterReading.computeIfAbsent(file, f -> new ArrayList<>()).addAll(List.of(doomed));
    return this;
  }

  /** Whether every trigger has fired: a test whose trigger never fired proves nothing. */
  public boolean allFired() {
    return afterListing.isEmpty() && afterReading.isEmpty();
  }

  @Override
  public List<Entry> list(Path dir) throws IOException {
    List<Entry> entries = delegate.list(dir);
    vanish(afterListing.remove(dir));
    return entries;
  }

  @Override
  public List<String> names(Path dir) throws IOException {
    List<String> names = delegate.names(dir);
    vanish(afterListing.remove(dir));
    return names;
  }

  @Override
  public byte[] read(Path file, int limit) throws IOException {
    byte[] bytes = delegate.read(file, limit);
    vanish(afterReading.remove(file));
    return bytes;
  }

  @Override
  public long size(Path file) throws IOException {
    return delegate.size(file);
  }

  @Override
  public boolean isSymbolicLink(Path path) {
    return delegate.isSymbolicLink(path);
  }

  @Override
  public boolean exists(Path path) {
    return delegate.exists(path);
  }

  private static void vanish(List<Path> doomed) {
    if (doomed == null) {
      return;
    }
    for (Path path : doomed) {
      deleteRecursively(path);
    }
  }

  /** Deletes a file, or a folder and everything below it, without following links. */
  public static void deleteRecursively(Path path) {
    try {
      Files.walkFileTree(
          path,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure)
                throws IOException {
              if (failure != null) {
                throw failure;
              }
              Files.delete(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
