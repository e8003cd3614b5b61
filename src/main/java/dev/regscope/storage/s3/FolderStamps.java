package dev.regscope.storage.s3;

import dev.regscope.storage.s3.ListedTree.Folder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A modification time for folders, which object storage does not have: it stays the same while the
 * keys below a folder (names, sizes, times, ETags) stay the same from listing to listing, and moves
 * forward when any of them changes, including a deletion. The scan's blob census reuses a prefix
 * folder whose time did not move, as on a file system, and here that is exact: the listing itself
 * is compared.
 */
final class FolderStamps {
  private record Stamp(long hash, long millis) {}

  private final Map<String, Stamp> stamps = new ConcurrentHashMap<>();
  private volatile long listedAt;

  /** The time of the listing a changed folder was first seen in. */
  void listedAt(long millis) {
    listedAt = millis;
  }

  /** The folder's time in milliseconds. */
  long stamp(String key, Folder folder) {
    long hash = ListedTree.hash(folder);
    return stamps
        .compute(
            key,
            (k, before) -> {
              if (before != null && before.hash() == hash) {
                return before;
              }
              // Seen for the first time: its newest key's time, as a file system would say. Changed
              // since: when the change was listed, and always later than before.
              long millis =
                  before == null
                      ? Math.max(0, ListedTree.latest(folder))
                      : Math.max(listedAt, before.millis() + 1);
              return new Stamp(hash, millis);
            })
        .millis();
  }
}
