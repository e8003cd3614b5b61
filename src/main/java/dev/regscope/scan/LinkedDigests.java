package dev.regscope.scan;

import dev.regscope.core.Damage;
import dev.regscope.core.Digest;
import dev.regscope.storage.StorageLayout;
import dev.regscope.storage.TreeReader;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Lists the digests a repository links: its manifest revisions ({@code _manifests/revisions}) and
 * its blobs ({@code _layers}), each only where the {@code link} file exists, since 2.8 removes only
 * the link on delete. A listing that fails for any reason but absence is a problem, and the result
 * says it is incomplete: an error is never read as "none".
 */
final class LinkedDigests {
  /** Digests found, and whether every one could be checked. */
  record Listing(List<Digest> digests, boolean complete) {}

  /**
   * The hex of each blob linked into a repository (null when they could not all be read), and an
   * order-free hash of them, summed while listing, for telling a rescan whether they moved.
   */
  record Layers(Set<String> hex, long hash) {}

  private final TreeReader reader;
  private final ScanProblems problems;
  private final boolean full;
  private final Map<String, Set<String>> unlinkedBefore;
  private final Map<String, Set<String>> unlinkedNow = new ConcurrentHashMap<>();

  /**
   * @param full whether to check every blob link, or trust {@code unlinkedBefore}
   * @param unlinkedBefore by repository, the blob folders the last full check found without a link
   */
  LinkedDigests(
      TreeReader reader,
      ScanProblems problems,
      boolean full,
      Map<String, Set<String>> unlinkedBefore) {
    this.reader = reader;
    this.problems = problems;
    this.full = full;
    this.unlinkedBefore = unlinkedBefore;
  }

  /** By repository, the blob folders known to have no link, for the next scan. */
  Map<String, Set<String>> unlinked() {
    return Map.copyOf(unlinkedNow);
  }

  /** The revisions whose link file exists. */
  Listing revisions(RepositoryDir repository) {
    Path root = StorageLayout.revisionsDir(repository.path());
    List<Digest> found = new ArrayList<>();
    boolean complete =
        each(
            root,
            "revisions",
            "; garbage-collection numbers are withheld",
            (algorithm, hex) -> {
              try {
                found.add(new Digest(algorithm, hex));
              } catch (IllegalArgumentException notADigest) {
                problems.add(
                    root.resolve(algorithm).resolve(hex),
                    Damage.BAD_LINK,
                    "revisions folder is not named by a digest");
              }
            });
    return new Listing(found, complete);
  }

  /**
   * The hex of each blob linked into the repository, as its folder is named (no digest is built: a
   * registry holds more layer links than tags; the hex length tells the algorithms apart); null
   * when they could not all be read.
   */
  Layers layers(RepositoryDir repository) {
    Path root = StorageLayout.layersDir(repository.path());
    String consequence = "; which tags miss a layer link is unknown";
    Set<String> found = new HashSet<>();
    long[] hash = {0};
    BiConsumer<String, String> add =
        (algorithm, hex) -> {
          found.add(hex);
          hash[0] += hex.hashCode();
        };
    boolean complete;
    Set<String> unlinked = new HashSet<>();
    if (full) {
      complete = each(root, "layers", consequence, add);
      Set<String> folders = complete ? folders(root) : null;
      if (folders != null) {
        unlinked.addAll(folders);
        unlinked.removeAll(found);
      }
    } else {
      complete = listFolders(root, repository.name(), add, unlinked);
    }
    if (!unlinked.isEmpty()) {
      unlinkedNow.put(repository.name(), unlinked);
    }
    return complete ? new Layers(found, hash[0] + found.size()) : new Layers(null, -1);
  }

  /**
   * Between full rescans: every {@code <algorithm>/<hex>} folder below {@code root} is linked, by
   * one listing each, but those the last full check found without a link, whose link alone is
   * looked at again (a blob pushed again is linked again); false when a listing failed.
   */
  private boolean listFolders(
      Path root, String repository, BiConsumer<String, String> linked, Set<String> unlinked) {
    Set<String> known = unlinkedBefore.getOrDefault(repository, Set.of());
    try {
      for (String algorithm : reader.names(root)) {
        Path folder = root.resolve(algorithm);
        for (String hex : reader.names(folder)) {
          if (!known.contains(hex)
              || reader.exists(folder.resolve(hex).resolve(StorageLayout.REVISION_LINK))) {
            linked.accept(algorithm, hex);
          } else {
            unlinked.add(hex);
          }
        }
      }
      return true;
    } catch (NoSuchFileException e) {
      return true; // nothing linked yet, or deleted meanwhile
    } catch (IOException e) {
      unreadable(root, "layers", "; which tags miss a layer link is unknown", e);
      return false;
    }
  }

  /** Every {@code <algorithm>/<hex>} folder name below {@code root}, by one listing each. */
  private Set<String> folders(Path root) {
    Set<String> folders = new HashSet<>();
    try {
      for (String algorithm : reader.names(root)) {
        folders.addAll(reader.names(root.resolve(algorithm)));
      }
    } catch (NoSuchFileException e) {
      // nothing linked yet, or deleted meanwhile
    } catch (IOException e) {
      unreadable(root, "layers", "; which tags miss a layer link is unknown", e);
      return null;
    }
    return folders;
  }

  /**
   * Hands over each {@code <algorithm>/<hex>} below {@code root} whose link exists; false when some
   * could not be checked.
   */
  private boolean each(
      Path root, String what, String consequence, BiConsumer<String, String> linked) {
    List<String> algorithms;
    try {
      algorithms = reader.names(root);
    } catch (NoSuchFileException e) {
      return true; // nothing linked yet, or deleted meanwhile
    } catch (IOException e) {
      unreadable(root, what, consequence, e);
      return false;
    }
    boolean complete = true;
    for (String algorithm : algorithms) {
      Path folder = root.resolve(algorithm);
      TreeReader.Linked entries;
      try {
        entries = reader.linkedEntries(folder, StorageLayout.REVISION_LINK);
      } catch (NoSuchFileException e) {
        problems.add(folder, Damage.VANISHED, what + " folder vanished during the scan");
        continue;
      } catch (IOException e) {
        unreadable(folder, what, consequence, e);
        complete = false;
        continue;
      }
      entries.present().forEach(hex -> linked.accept(algorithm, hex));
      for (String hex : entries.unreadable()) {
        if (reader.isSymbolicLink(folder.resolve(hex))) {
          problems.add(
              folder.resolve(hex),
              Damage.SYMLINK,
              what + " folder is a symbolic link, not followed" + consequence);
        } else {
          problems.add(
              folder.resolve(hex).resolve(StorageLayout.REVISION_LINK),
              Damage.READ_ERROR,
              what + " link cannot be checked" + consequence);
        }
        complete = false;
      }
    }
    return complete;
  }

  private void unreadable(Path folder, String what, String consequence, IOException e) {
    Damage damage = reader.isSymbolicLink(folder) ? Damage.SYMLINK : Damage.READ_ERROR;
    problems.add(
        folder, damage, what + " folder cannot be listed (" + describe(e) + ")" + consequence);
  }

  /** What went wrong, in words: the system's reason where it gives one. */
  static String describe(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied"; // the JDK gives no reason text for EACCES
    }
    return e instanceof FileSystemException failed && failed.getReason() != null
        ? failed.getReason()
        : e.getClass().getSimpleName();
  }
}
