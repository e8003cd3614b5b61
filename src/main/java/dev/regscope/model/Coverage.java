package dev.regscope.model;

/**
 * What a source can see of a registry. The storage tree shows everything. The HTTP API shows only
 * what tags reach: it cannot list revisions (so no untagged manifests, revision counts, exclusive
 * sizes or garbage-collection preview), the blob store (totals, missing blobs) or uploads in
 * progress, and what it cannot see is not exported rather than exported as 0.
 *
 * @param revisions every manifest revision of each repository, tagged or not
 * @param blobStore every blob in the store, with its size on disk
 * @param uploads uploads in progress
 */
public record Coverage(boolean revisions, boolean blobStore, boolean uploads) {
  /** A storage tree, read from a folder or a bucket. */
  public static final Coverage STORAGE = new Coverage(true, true, true);

  /** The registry's HTTP API: tags and what they reach. */
  public static final Coverage TAGS = new Coverage(false, false, false);
}
