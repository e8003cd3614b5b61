package dev.regscope.scan;

import dev.regscope.core.Damage;
import dev.regscope.core.Digest;
import dev.regscope.storage.StorageLayout;
import dev.regscope.storage.TreeReader;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Lists the digests a repository links: its manifest revisions ({@code _manifests/revisions}) and
 * its blobs ({@code _layers}), each only where the {@code link} file exists, since 2.8 removes only
 * the link on delete. A listing that fails for any reason but absence is a problem, and the result
 * says it is incomplete: an error is never read as "none".
 */
final class LinkedDigests {
  /** Digests found, and whether every one could be checked. */
  record Listing(List<Digest> digests, boolean complete) {}

  private final TreeReader reader;
  private final ScanProblems problems;

  LinkedDigests(TreeReader reader, ScanProblems problems) {
    this.reader = reader;
    this.problems = problems;
  }

  /** The revisions whose link file exists. */
  Listing revisions(RepositoryDir repository) {
    return list(
        StorageLayout.revisionsDir(repository.path()),
        "revisions",
        "; garbage-collection numbers are withheld");
  }

  /** The blobs linked into the repository; null when they could not all be read. */
  Set<Digest> layers(RepositoryDir repository) {
    Listing listing =
        list(
            StorageLayout.layersDir(repository.path()),
            "layers",
            "; which tags miss a layer link is unknown");
    return listing.complete() ? new HashSet<>(listing.digests()) : null;
  }

  private Listing list(Path root, String what, String consequence) {
    List<Digest> found = new ArrayList<>();
    List<String> algorithms;
    try {
      algorithms = reader.names(root);
    } catch (NoSuchFileException e) {
      return new Listing(found, true); // nothing linked yet, or deleted meanwhile
    } catch (IOException e) {
      return unreadable(root, what, consequence, e);
    }
    boolean complete = true;
    for (String algorithm : algorithms) {
      Path folder = root.resolve(algorithm);
      TreeReader.Linked linked;
      try {
        linked = reader.linkedEntries(folder, StorageLayout.REVISION_LINK);
      } catch (NoSuchFileException e) {
        problems.add(folder, Damage.VANISHED, what + " folder vanished during the scan");
        continue;
      } catch (IOException e) {
        unreadable(folder, what, consequence, e);
        complete = false;
        continue;
      }
      for (String hex : linked.present()) {
        try {
          found.add(new Digest(algorithm, hex));
        } catch (IllegalArgumentException notADigest) {
          problems.add(
              folder.resolve(hex), Damage.BAD_LINK, what + " folder is not named by a digest");
        }
      }
      for (String hex : linked.unreadable()) {
        problems.add(
            folder.resolve(hex).resolve(StorageLayout.REVISION_LINK),
            Damage.READ_ERROR,
            what + " link cannot be checked" + consequence);
        complete = false;
      }
    }
    return new Listing(found, complete);
  }

  private Listing unreadable(Path folder, String what, String consequence, IOException e) {
    Damage damage = reader.isSymbolicLink(folder) ? Damage.SYMLINK : Damage.READ_ERROR;
    problems.add(
        folder, damage, what + " folder cannot be listed (" + describe(e) + ")" + consequence);
    return new Listing(List.of(), false);
  }

  /** What went wrong, in words: the system's reason where it gives one. */
  static String describe(IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied"; // the JDK gives no reason text for EACCES
    }
    return e instanceof java.nio.file.FileSystemException failed && failed.getReason() != null
        ? failed.getReason()
        : e.getClass().getSimpleName();
  }
}
