package dev.regscope.storage;

import dev.regscope.storage.BlobCensus.Prefix;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Takes a {@link BlobCensus}, re-reading only the prefix folders that changed since the previous one. */
public final class BlobCensusReader {
  private BlobCensusReader() {}

  /**
   * @param now when this census is taken, by the real clock (compared with file-system timestamps)
   */
  public static BlobCensus read(StorageLayout layout, TreeReader reader, BlobCensus previous, Instant now) {
    List<Prefix> prefixes = new ArrayList<>();
    boolean complete = true;
    List<String> algorithms;
    try {
      algorithms = reader.names(layout.blobs());
    } catch (NoSuchFileException e) {
      return new BlobCensus(List.of(), true); // no blob pushed yet
    } catch (IOException e) {
      return new BlobCensus(List.of(), false);
    }
    for (String algorithm : algorithms) {
      Path algorithmDir = layout.blobs().resolve(algorithm);
      List<String> names;
      try {
        names = reader.names(algorithmDir);
      } catch (IOException e) {
        complete = false;
        continue;
      }
      for (String name : names) {
        try {
          prefixes.add(prefix(reader, algorithm, algorithmDir.resolve(name), name, previous, now));
        } catch (IOException e) {
          complete = false; // vanished or unreadable: the next census reads it again
        }
      }
    }
    prefixes.sort(Comparator.comparing(Prefix::key));
    return new BlobCensus(prefixes, complete);
  }

  private static Prefix prefix(TreeReader reader, String algorithm, Path dir, String name, BlobCensus previous,
      Instant now) throws IOException {
    String key = algorithm + "/" + name;
    FileTime mtime = reader.modifiedTime(dir);
    Prefix old = previous.prefix(key);
    if (old != null && old.settledAt(mtime)) {
      return old;
    }
    List<long[]> compact = new ArrayList<>();
    Map<String, Long> others = new TreeMap<>();
    for (Map.Entry<String, Long> blob : reader.sizesOf(dir, "data").entrySet()) {
      if (blob.getValue() < 0) {
        continue; // a blob folder without data: being written or being deleted
      }
      Digest digest;
      try {
        digest = new Digest(algorithm, blob.getKey());
      } catch (IllegalArgumentException notABlob) {
        continue;
      }
      if (digest.isCompact()) {
        long[] entry = new long[5];
        digest.words(entry, 0);
        entry[4] = blob.getValue();
        compact.add(entry);
      } else {
        others.put(blob.getKey(), blob.getValue());
      }
    }
    compact.sort((a, b) -> {
      for (int i = 0; i < 4; i++) {
        int c = Long.compareUnsigned(a[i], b[i]);
        if (c != 0) {
          return c;
        }
      }
      return 0;
    });
    long[] words = new long[compact.size() * 4];
    long[] sizes = new long[compact.size()];
    for (int i = 0; i < compact.size(); i++) {
      System.arraycopy(compact.get(i), 0, words, i * 4, 4);
      sizes[i] = compact.get(i)[4];
    }
    return new Prefix(key, mtime, now, words, sizes, others);
  }

}
