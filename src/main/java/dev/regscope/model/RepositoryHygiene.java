package dev.regscope.model;

/**
 * What a repository costs and what is wrong with it in the blob store.
 *
 * @param sizeBytes distinct blobs reachable from its tags (manifests, configs, layers, index
 *     children), each counted once, as the size of their files on disk
 * @param exclusiveSizeBytes blobs that only this repository's revisions reference: what deleting
 *     the repository and collecting garbage would free (beyond what is reclaimable already)
 * @param untaggedManifests revisions that no tag reaches, directly or as a child of a tagged index
 * @param missingBlobs distinct blobs a tag's image references that the blob store does not hold
 * @param deleteUntaggedBrokenTags tags a registry 2.8 {@code garbage-collect --delete-untagged}
 *     would break: tags of multi-platform indexes whose children carry no tag of their own
 *     (distribution#3178)
 */
public record RepositoryHygiene(
    long sizeBytes,
    long exclusiveSizeBytes,
    long untaggedManifests,
    long missingBlobs,
    long deleteUntaggedBrokenTags) {
  /** Before hygiene is computed (tests building stats by hand). */
  public static final RepositoryHygiene NONE = new RepositoryHygiene(0, 0, 0, 0, 0);
}
