package dev.regscope.model;

import java.util.List;

/**
 * The blob store as a whole: what it holds, and what garbage collection would free in each mode.
 *
 * @param unreferenced blobs no manifest revision of any repository references ({@code
 *     garbage-collect})
 * @param untagged blobs no tag keeps, children of tagged indexes kept when they are revisions of
 *     the tag's repository ({@code --delete-untagged} as a correct collector would do it; registry
 *     2.8 also deletes those children)
 * @param reachableBlobs blobs some tag keeps: every blob of the store is either one of these or in
 *     {@code untagged}
 * @param reachableBytes their size on disk
 * @param complete false if part of the blob store could not be listed: then reclaimable and missing
 *     counts may be wrong and are not exported
 * @param withheld why a mode's preview is not exported this scan; empty when both are
 */
public record StoreHygiene(
    int blobs,
    long blobBytes,
    Reclaimable unreferenced,
    Reclaimable untagged,
    int reachableBlobs,
    long reachableBytes,
    boolean complete,
    List<Withheld> withheld) {
  public static final StoreHygiene NONE =
      new StoreHygiene(0, 0, Reclaimable.NONE, Reclaimable.NONE, false);

  public StoreHygiene {
    withheld = List.copyOf(withheld);
  }

  public StoreHygiene(
      int blobs, long blobBytes, Reclaimable unreferenced, Reclaimable untagged, boolean complete) {
    this(
        blobs,
        blobBytes,
        unreferenced,
        untagged,
        blobs - untagged.blobs().size(),
        blobBytes - untagged.bytes(),
        complete,
        List.of());
  }

  /** The reclaimable blobs of a mode. */
  public Reclaimable reclaimable(GcMode mode) {
    return mode == GcMode.UNREFERENCED ? unreferenced : untagged;
  }

  /** Whether the preview of {@code mode} is a number to publish: nothing withholds it. */
  public boolean previewed(GcMode mode) {
    return complete && withheld.stream().noneMatch(w -> w.mode() == mode);
  }

  /** Whether every repository's links could be read, so store-wide sums over them hold. */
  public boolean linksComplete() {
    return withheld.stream().noneMatch(w -> w.reason() == Withheld.Reason.LINKS_UNREADABLE);
  }
}
