package dev.regscope.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Per-repository numbers derived from the collector's own output, never from regscope: what a
 * repository's tags keep, and what only its revisions mark.
 */
public final class GcExpectations {
  private GcExpectations() {}

  /**
   * The bytes of the stored blobs a repository's tags keep: its marks in {@code keeping}, the
   * {@code --delete-untagged} report as a correct collector would print it ({@link
   * GcReport#untaggedKeepingIndexChildren}). A marked digest the store does not hold (a foreign
   * layer nobody uploaded) weighs nothing.
   */
  public static long keptBytes(GcReport keeping, String repository, Path storageRoot) {
    SortedSet<String> kept = new TreeSet<>();
    Map<String, java.util.List<String>> marks = keeping.marks().get(repository);
    if (marks != null) {
      marks.forEach(
          (manifest, blobs) -> {
            kept.add(manifest);
            kept.addAll(blobs);
          });
    }
    return stored(kept, storageRoot);
  }

  /**
   * The bytes of the stored blobs that only {@code repository}'s revisions mark in the plain {@code
   * garbage-collect} report: what deleting the repository and collecting would free.
   */
  public static long exclusiveBytes(GcReport plain, String repository, Path storageRoot) {
    SortedSet<String> own = marked(plain, repository);
    for (String other : plain.repositories()) {
      if (!other.equals(repository)) {
        own.removeAll(marked(plain, other));
      }
    }
    return stored(own, storageRoot);
  }

  private static SortedSet<String> marked(GcReport report, String repository) {
    SortedSet<String> digests = new TreeSet<>();
    report
        .marks()
        .getOrDefault(repository, Map.of())
        .forEach(
            (manifest, blobs) -> {
              digests.add(manifest);
              digests.addAll(blobs);
            });
    return digests;
  }

  private static long stored(SortedSet<String> digests, Path storageRoot) {
    long bytes = 0;
    for (String digest : digests) {
      Path data = GcReport.blobData(storageRoot, digest);
      try {
        if (Files.exists(data)) {
          bytes += Files.size(data);
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return bytes;
  }
}
