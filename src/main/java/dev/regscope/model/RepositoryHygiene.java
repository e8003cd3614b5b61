package dev.regscope.model;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a repository costs and what is wrong with it in the blob store.
 *
 * @param sizeBytes distinct blobs its tags keep (what {@code --delete-untagged}, done right, keeps
 *     for them: tagged revisions, their child revisions, and what those reference), each counted
 *     once, as the size of their files on disk
 * @param exclusiveSizeBytes blobs that only this repository's revisions reference: what deleting
 *     the repository and collecting garbage would free (beyond what is reclaimable already)
 * @param untaggedManifests revisions that no tag keeps, referrers not included
 * @param missingBlobs distinct blobs a tag's image references that the blob store does not hold
 *     (foreign and non-distributable layers excepted)
 * @param deleteUntaggedBrokenTags tags that can be pulled now and that registry 2.8's {@code
 *     garbage-collect --delete-untagged} would break: tags of indexes with a child no tag names
 *     (distribution#3178)
 * @param unpullableTags tags whose manifests resolve but whose image cannot be pulled, by name
 * @param referrers revisions that refer to another manifest (signatures, SBOMs, ...), by kind
 * @param deleteUntaggedReferrers referrers of manifests the repository's tags reach that 2.8's
 *     {@code --delete-untagged} would delete, by kind
 * @param linksComplete false when its revisions, tags or tag links could not all be read: its
 *     numbers here, and every store-wide one, may then be wrong and are not exported
 */
public record RepositoryHygiene(
    long sizeBytes,
    long exclusiveSizeBytes,
    long untaggedManifests,
    long missingBlobs,
    long deleteUntaggedBrokenTags,
    List<UnpullableTag> unpullableTags,
    Map<ReferrerKind, Long> referrers,
    Map<ReferrerKind, Long> deleteUntaggedReferrers,
    boolean linksComplete) {
  /** Before hygiene is computed (tests building stats by hand). */
  public static final RepositoryHygiene NONE = new RepositoryHygiene(0, 0, 0, 0, 0);

  public RepositoryHygiene {
    unpullableTags = List.copyOf(unpullableTags);
    referrers = frozen(referrers);
    deleteUntaggedReferrers = frozen(deleteUntaggedReferrers);
  }

  public RepositoryHygiene(
      long sizeBytes,
      long exclusiveSizeBytes,
      long untaggedManifests,
      long missingBlobs,
      long deleteUntaggedBrokenTags) {
    this(
        sizeBytes,
        exclusiveSizeBytes,
        untaggedManifests,
        missingBlobs,
        deleteUntaggedBrokenTags,
        List.of(),
        Map.of(),
        Map.of(),
        true);
  }

  /** Referrers of every kind. */
  public long referrerCount() {
    return referrers.values().stream().mapToLong(Long::longValue).sum();
  }

  private static Map<ReferrerKind, Long> frozen(Map<ReferrerKind, Long> counts) {
    if (counts.isEmpty()) {
      return Map.of();
    }
    return java.util.Collections.unmodifiableMap(new EnumMap<>(counts));
  }
}
