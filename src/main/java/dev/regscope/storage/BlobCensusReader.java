package dev.regscope.storage;

import dev.regscope.core.BlobCensus;
import dev.regscope.core.BlobCensus.Prefix;
import dev.regscope.core.Digest;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Takes a {@link BlobCensus}: one task per prefix folder, to run in parallel with the rest of a
 * scan. A prefix folder whose mtime has not moved is reused as it was; one that moved is listed
 * again, and only blobs not known before are measured (a blob's size never changes), so a push
 * costs a stat per new blob.
 */
public final class BlobCensusReader {
  private final TreeReader reader;
  private final BlobCensus previous;
  private final Instant now;
  private final Queue<Prefix> prefixes = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean complete = new AtomicBoolean(true);
  private final List<Runnable> tasks = new ArrayList<>();
  private final java.util.Set<String> changed = new java.util.HashSet<>();
  private final Queue<Path> symbolicLinks = new ConcurrentLinkedQueue<>();
  private final java.nio.file.FileSystem fileSystem;
  private long statNanos;
  private int stats;

  /**
   * Lists the prefix folders now; {@link #tasks()} reads them.
   *
   * @param now when this census is taken, by the real clock (compared with file-system timestamps)
   */
  public BlobCensusReader(
      StorageLayout layout, TreeReader reader, BlobCensus previous, Instant now) {
    this.reader = reader;
    this.previous = previous;
    this.now = now;
    this.fileSystem = layout.root().getFileSystem();
    List<String> algorithms;
    try {
      algorithms = reader.names(layout.blobs());
    } catch (NoSuchFileException e) {
      return; // no blob pushed yet: an empty, complete census
    } catch (IOException e) {
      failed(e);
      return;
    }
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (String algorithm : algorithms) {
      Path algorithmDir = layout.blobs().resolve(algorithm);
      try {
        for (String name : reader.names(algorithmDir)) {
          Path dir = algorithmDir.resolve(name);
          String key = algorithm + "/" + name;
          seen.add(key);
          FileTime mtime;
          long before = System.nanoTime();
          try {
            mtime = reader.modifiedTime(dir);
            statNanos += System.nanoTime() - before;
            stats++;
          } catch (IOException e) {
            complete.set(false);
            continue;
          }
          Prefix old = previous.prefix(key);
          if (old != null && old.settledAt(mtime)) {
            prefixes.add(old);
          } else {
            changed.add(key);
            tasks.add(() -> read(algorithm, dir, name, mtime, old));
          }
        }
      } catch (IOException e) {
        failed(e);
      }
    }
    previous.prefixKeys().stream().filter(key -> !seen.contains(key)).forEach(changed::add);
  }

  /**
   * The prefix folders ({@code sha256/ab}) whose blobs may differ from the previous census, known
   * before the tasks run; null if the blob store could not be listed completely, or there was no
   * previous census.
   */
  public java.util.Set<String> changedPrefixes() {
    return complete.get() && previous.complete() ? changed : null;
  }

  /**
   * The average time one stat of a prefix folder took while listing them, or -1 if none was made.
   */
  public long averageStatNanos() {
    return stats == 0 ? -1 : statNanos / stats;
  }

  /** One task per prefix folder; each may run in any thread. */
  public List<Runnable> tasks() {
    return tasks;
  }

  /** The census, once every task has run. */
  public BlobCensus census() {
    List<Prefix> sorted = new ArrayList<>(prefixes);
    sorted.sort(Comparator.comparing(Prefix::key));
    return new BlobCensus(sorted, complete.get());
  }

  /** Takes a census on the calling thread. */
  public static BlobCensus read(
      StorageLayout layout, TreeReader reader, BlobCensus previous, Instant now) {
    BlobCensusReader census = new BlobCensusReader(layout, reader, previous, now);
    census.tasks().forEach(Runnable::run);
    return census.census();
  }

  private void read(String algorithm, Path dir, String name, FileTime mtime, Prefix old) {
    try {
      prefixes.add(prefix(algorithm, dir, name, mtime, old));
    } catch (IOException e) {
      failed(e); // vanished or unreadable: the next census reads it again
    }
  }

  private void failed(IOException e) {
    complete.set(false);
    if (e instanceof SymbolicLinkException link) {
      symbolicLinks.add(fileSystem.getPath(link.getFile()));
    }
  }

  /**
   * Folders of the blob store that are symbolic links, which the census did not look through (a
   * blob behind one is not counted); the scan reports them.
   */
  public List<Path> symbolicLinks() {
    return List.copyOf(symbolicLinks);
  }

  private Prefix prefix(String algorithm, Path dir, String name, FileTime mtime, Prefix old)
      throws IOException {
    String key = algorithm + "/" + name;
    List<SizedEntry> sizes = old == null ? reader.sizesOf(dir, "data") : changedSizes(dir, old);
    List<long[]> compact = new ArrayList<>(sizes.size());
    Map<String, Long> others = new TreeMap<>();
    for (SizedEntry blob : sizes) {
      if (blob.size() == SizedEntry.SYMBOLIC_LINK) {
        Path folder = dir.resolve(blob.name());
        symbolicLinks.add(reader.isSymbolicLink(folder) ? folder : folder.resolve("data"));
      }
      if (blob.size() < 0) {
        continue; // a blob folder without data: being written or being deleted
      }
      Digest digest;
      try {
        digest = new Digest(algorithm, blob.name());
      } catch (IllegalArgumentException notABlob) {
        continue;
      }
      if (digest.isCompact()) {
        long[] entry = new long[5];
        digest.words(entry, 0);
        entry[4] = blob.size();
        compact.add(entry);
      } else {
        others.put(blob.name(), blob.size());
      }
    }
    compact.sort(
        (a, b) -> {
          for (int i = 0; i < 4; i++) {
            int c = Long.compareUnsigned(a[i], b[i]);
            if (c != 0) {
              return c;
            }
          }
          return 0;
        });
    long[] words = new long[compact.size() * 4];
    long[] blobSizes = new long[compact.size()];
    for (int i = 0; i < compact.size(); i++) {
      System.arraycopy(compact.get(i), 0, words, i * 4, 4);
      blobSizes[i] = compact.get(i)[4];
    }
    return new Prefix(key, mtime, now, words, blobSizes, others);
  }

  /** The sizes of a changed prefix folder: known blobs keep theirs, new ones are measured. */
  private List<SizedEntry> changedSizes(Path dir, Prefix old) throws IOException {
    Map<String, Long> known = new HashMap<>();
    String algorithm = old.key().substring(0, old.key().indexOf('/'));
    for (int i = 0; i < old.sizes().length; i++) {
      known.put(Digest.fromWords(algorithm, old.words(), i * 4).hex(), old.sizes()[i]);
    }
    known.putAll(old.others());
    List<SizedEntry> sizes = new ArrayList<>();
    for (TreeReader.Entry entry : reader.list(dir)) {
      String name = entry.name();
      Long size = entry.type() == TreeReader.EntryType.SYMLINK ? null : known.get(name);
      if (entry.type() == TreeReader.EntryType.SYMLINK) {
        size = SizedEntry.SYMBOLIC_LINK;
      } else if (size == null) {
        try {
          size = reader.size(dir.resolve(name).resolve("data"));
        } catch (SymbolicLinkException link) {
          size = SizedEntry.SYMBOLIC_LINK;
        } catch (IOException absent) {
          size = -1L;
        }
      }
      sizes.add(new SizedEntry(name, size));
    }
    return sizes;
  }
}
