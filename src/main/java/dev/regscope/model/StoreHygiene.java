package dev.regscope.model;

/**
 * The blob store as a whole: what it holds, and what garbage collection would free in each mode.
 *
 * @param unreferenced blobs no manifest revision of any repository references ({@code
 *     garbage-collect})
 * @param untagged blobs no tag reaches, children of tagged indexes kept ({@code --delete-untagged},
 *     as a correct collector would do it; registry 2.8 also deletes those children)
 * @param complete false if part of the blob store could not be listed: then reclaimable and missing
 *     counts may be wrong and are not exported
 */
public record StoreHygiene(
    int blobs, long blobBytes, Reclaimable unreferenced, Reclaimable untagged, boolean complete) {
  public static final StoreHygiene NONE =
      new StoreHygiene(0, 0, Reclaimable.NONE, Reclaimable.NONE, false);
}
