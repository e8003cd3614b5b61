package dev.regscope.scan;

import dev.regscope.storage.Digest;
import dev.regscope.storage.StorageLayout;
import dev.regscope.storage.TreeReader;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The modification times of the blob store's prefix folders ({@code blobs/sha256/ab/}), taken once per scan.
 *
 * <p>The garbage collector deletes a blob by removing its {@code <hex>/} folder, which changes the mtime of the
 * prefix folder holding it. So a cached manifest needs its blob checked only when its prefix folder changed
 * since the last scan: 256 stats per scan instead of one per manifest. A prefix whose recorded mtime was within
 * {@link #RACY} of when it was taken is checked again, since a second change within the same clock tick would
 * leave the mtime as it was.
 */
final class BlobStamp {
  static final Duration RACY = Duration.ofSeconds(2);

  private final Map<String, FileTime> mtimes;
  private final Instant takenAt;
  private final boolean complete;

  private BlobStamp(Map<String, FileTime> mtimes, Instant takenAt, boolean complete) {
    this.mtimes = mtimes;
    this.takenAt = takenAt;
    this.complete = complete;
  }

  /** Before the first scan: nothing is known, so every cached manifest would be checked. */
  static final BlobStamp NONE = new BlobStamp(Map.of(), Instant.EPOCH, false);

  static BlobStamp take(StorageLayout layout, TreeReader reader, Instant now) {
    Map<String, FileTime> mtimes = new HashMap<>();
    try {
      for (String algorithm : reader.names(layout.blobs())) {
        Path algorithmDir = layout.blobs().resolve(algorithm);
        for (String prefix : reader.names(algorithmDir)) {
          mtimes.put(algorithm + "/" + prefix, reader.modifiedTime(algorithmDir.resolve(prefix)));
        }
      }
    } catch (IOException e) {
      return new BlobStamp(mtimes, now, false); // half a stamp proves nothing: check every cached manifest
    }
    return new BlobStamp(mtimes, now, true);
  }

  /** The prefixes ({@code sha256/ab}) whose blobs may have changed between {@code before} and this stamp. */
  Set<String> changedSince(BlobStamp before) {
    if (!complete || !before.complete) {
      return null;
    }
    Set<String> changed = new java.util.HashSet<>();
    Instant racy = before.takenAt.minus(RACY);
    mtimes.forEach((prefix, mtime) -> {
      FileTime old = before.mtimes.get(prefix);
      if (old == null || !old.equals(mtime) || !old.toInstant().isBefore(racy)) {
        changed.add(prefix);
      }
    });
    before.mtimes.keySet().stream().filter(p -> !mtimes.containsKey(p)).forEach(changed::add);
    return changed;
  }

}
