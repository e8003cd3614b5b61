package dev.regscope.core;

import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Every blob in {@code blobs/} with the size of its {@code data} file, as of one scan, numbered
 * {@code 0..count()-1} so reachability can be marked in a bit set. Immutable.
 *
 * <p>Kept compactly (four longs and a size per blob) because a large registry holds millions of
 * blobs, and per prefix folder ({@code blobs/sha256/ab/}): blobs never change, and adding or
 * deleting one changes its prefix folder's mtime, so a rescan re-reads only the prefix folders
 * whose mtime moved.
 */
public final class BlobCensus {
  /**
   * A prefix folder read at a time within this of its mtime may change again unseen within the same
   * tick.
   */
  public static final Duration RACY = Duration.ofSeconds(2);

  /**
   * The blobs of one prefix folder: 64-hex digests as sorted words, others (short fake ones) by
   * hex.
   */
  public record Prefix(
      String key,
      FileTime mtime,
      Instant readAt,
      long[] words,
      long[] sizes,
      Map<String, Long> others) {
    int count() {
      return sizes.length + others.size();
    }

    public boolean settledAt(FileTime now) {
      return mtime.equals(now) && mtime.toInstant().isBefore(readAt.minus(RACY));
    }
  }

  public static final BlobCensus EMPTY = new BlobCensus(List.of(), false);

  private final List<Prefix> prefixes;
  private final int[] offsets;

  /**
   * For sha256: the prefix index of each first byte, -1 where the folder is absent; spares a search
   * per lookup.
   */
  private final int[] sha256Prefixes = new int[256];

  private final boolean complete;
  private final long totalBytes;
  private final int count;

  /**
   * Every blob's size by number, flattened: the collector asks for sizes by number millions of
   * times.
   */
  private final long[] sizes;

  public BlobCensus(List<Prefix> prefixes, boolean complete) {
    this.prefixes = List.copyOf(prefixes);
    this.complete = complete;
    this.offsets = new int[prefixes.size() + 1];
    long bytes = 0;
    for (int i = 0; i < prefixes.size(); i++) {
      Prefix prefix = prefixes.get(i);
      offsets[i + 1] = offsets[i] + prefix.count();
      for (long size : prefix.sizes()) {
        bytes += size;
      }
      for (long size : prefix.others().values()) {
        bytes += size;
      }
    }
    this.totalBytes = bytes;
    this.count = offsets[prefixes.size()];
    this.sizes = new long[count];
    for (int i = 0; i < prefixes.size(); i++) {
      Prefix prefix = prefixes.get(i);
      System.arraycopy(prefix.sizes(), 0, sizes, offsets[i], prefix.sizes().length);
      int at = offsets[i] + prefix.sizes().length;
      for (long size : prefix.others().values()) {
        sizes[at++] = size;
      }
    }
    for (int b = 0; b < 256; b++) {
      sha256Prefixes[b] = prefixIndex("sha256/" + String.format("%02x", b));
    }
  }

  /** Number of blobs. */
  public int count() {
    return count;
  }

  /** Sum of the sizes of their data files. */
  public long totalBytes() {
    return totalBytes;
  }

  /** Whether every prefix folder could be read; if not, what is missing here may exist. */
  public boolean complete() {
    return complete;
  }

  /** The number of a blob, or -1 if the store does not hold it. */
  public int indexOf(Digest digest) {
    if (digest.isCompact() && digest.algorithm().equals("sha256")) {
      int p = sha256Prefixes[digest.firstByte()];
      if (p < 0) {
        return -1;
      }
      int at = search(prefixes.get(p).words(), digest);
      return at < 0 ? -1 : offsets[p] + at;
    }
    String key = digest.algorithm() + "/" + digest.prefix();
    int p = prefixIndex(key);
    if (p < 0) {
      return -1;
    }
    Prefix prefix = prefixes.get(p);
    if (!digest.isCompact()) {
      Long size = prefix.others().get(digest.hex());
      if (size == null) {
        return -1;
      }
      int rank = 0;
      for (String hex : prefix.others().keySet()) {
        if (hex.equals(digest.hex())) {
          break;
        }
        rank++;
      }
      return offsets[p] + prefix.sizes().length + rank;
    }
    int at = search(prefix.words(), digest);
    return at < 0 ? -1 : offsets[p] + at;
  }

  /** The size in bytes of blob number {@code index}. */
  public long size(int index) {
    return sizes[index];
  }

  /** The digest of blob number {@code index}. */
  public Digest digest(int index) {
    int p = prefixOfIndex(index);
    Prefix prefix = prefixes.get(p);
    int at = index - offsets[p];
    String algorithm = prefix.key().substring(0, prefix.key().indexOf('/'));
    if (at < prefix.sizes().length) {
      return Digest.fromWords(algorithm, prefix.words(), at * 4);
    }
    String hex =
        prefix.others().keySet().stream()
            .skip(at - prefix.sizes().length)
            .findFirst()
            .orElseThrow();
    return new Digest(algorithm, hex);
  }

  public List<String> prefixKeys() {
    return prefixes.stream().map(Prefix::key).toList();
  }

  public Prefix prefix(String key) {
    int p = prefixIndex(key);
    return p < 0 ? null : prefixes.get(p);
  }

  private int prefixIndex(String key) {
    int low = 0;
    int high = prefixes.size() - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      int c = prefixes.get(mid).key().compareTo(key);
      if (c == 0) {
        return mid;
      }
      if (c < 0) {
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return -1;
  }

  private int prefixOfIndex(int index) {
    if (index < 0 || index >= count) {
      throw new IndexOutOfBoundsException(index);
    }
    int p = Arrays.binarySearch(offsets, index);
    if (p >= 0) {
      while (p + 1 < offsets.length && offsets[p + 1] == index) {
        p++; // skip empty prefixes
      }
      return p;
    }
    return -p - 2;
  }

  /** Binary search over sorted 4-word keys; the position of the digest, or -1. */
  static int search(long[] words, Digest digest) {
    int low = 0;
    int high = words.length / 4 - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      int c = -digest.compareWords(words, mid * 4);
      if (c == 0) {
        return mid;
      }
      if (c < 0) {
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return -1;
  }
}
