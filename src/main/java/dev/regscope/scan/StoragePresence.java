package dev.regscope.scan;

import dev.regscope.model.ScanFailure;
import dev.regscope.storage.StorageLayout;
import dev.regscope.storage.TreeReader;

/**
 * Tells lost storage from an empty registry. A tree that never existed is an empty registry (the
 * registry creates it on its first push); one that an earlier scan saw and that is gone now (an
 * unmounted volume, a moved folder) fails the scan, so the last snapshot stays published instead of
 * an empty one. {@code blobs/} without {@code repositories/} is half a tree: read as it stands,
 * every blob would look reclaimable.
 */
final class StoragePresence {
  private boolean rootSeen;
  private boolean repositoriesSeen;
  private boolean blobsSeen;

  /**
   * Before a walk: fails if storage seen before is gone, or if blobs stand without repositories.
   */
  synchronized void check(StorageLayout layout, TreeReader reader) throws ScanFailedException {
    boolean root = reader.exists(layout.root());
    boolean repositories = reader.exists(layout.repositories());
    boolean blobs = reader.exists(layout.blobs());
    if (rootSeen && !root) {
      throw vanished(layout.root().toString() + " (the whole storage folder)");
    }
    if (repositoriesSeen && !repositories) {
      throw vanished(layout.repositories().toString());
    }
    if (blobsSeen && !blobs) {
      throw vanished(layout.blobs().toString());
    }
    if (blobs && !repositories) {
      throw new ScanFailedException(
          ScanFailure.STORAGE_INCOMPLETE,
          "storage is incomplete: "
              + layout.blobs()
              + " holds blobs but "
              + layout.repositories()
              + " is missing (a moved, unmounted or half-restored tree?); nothing is reported,"
              + " so no blob looks reclaimable");
    }
    rootSeen |= root;
    repositoriesSeen |= repositories;
    blobsSeen |= blobs;
  }

  /** After a walk: fails if the tree went away while it was read (the walk then saw too little). */
  synchronized void checkStillThere(StorageLayout layout, TreeReader reader)
      throws ScanFailedException {
    if (repositoriesSeen && !reader.exists(layout.repositories())) {
      throw vanished(layout.repositories() + " (during the scan)");
    }
    if (blobsSeen && !reader.exists(layout.blobs())) {
      throw vanished(layout.blobs() + " (during the scan)");
    }
  }

  private static ScanFailedException vanished(String what) {
    return new ScanFailedException(
        ScanFailure.STORAGE_VANISHED,
        "storage vanished: "
            + what
            + " existed at an earlier scan and is gone (unmounted, moved or deleted?); keeping"
            + " the last snapshot");
  }
}
