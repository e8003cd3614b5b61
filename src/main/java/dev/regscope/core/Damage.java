package dev.regscope.core;

/**
 * One kind of damage a scan can meet in a registry tree; its {@link #label()} is the {@code reason}
 * label of {@code regscope_scan_errors_total} (damaged files only, see {@link #isFileDamage()}),
 * {@code regscope_broken_tags} and {@code regscope_unpullable_tags}.
 */
public enum Damage {
  /** A link file that is not {@code <algorithm>:<lowercase hex>}. */
  BAD_LINK("bad_link"),
  /** A tag folder without {@code current/link}. */
  MISSING_LINK("missing_link"),
  /** A link names a blob whose {@code data} file is absent. */
  MISSING_BLOB("missing_blob"),
  /**
   * Over the HTTP API: the registry answers 404 for a manifest a tag or an index names (storage
   * tells whether its blob or its revision link is gone; the API does not). The registry's state,
   * not a damaged file.
   */
  MISSING_MANIFEST("missing_manifest", false),
  MANIFEST_TOO_LARGE("manifest_too_large"),
  MANIFEST_EMPTY("manifest_empty"),
  /** Not JSON at all, or cut short. */
  MANIFEST_NOT_JSON("manifest_not_json"),
  /** JSON, but not the shape of any manifest (missing or mistyped fields). */
  MANIFEST_BAD_SHAPE("manifest_bad_shape"),
  UNKNOWN_MEDIA_TYPE("unknown_media_type"),
  /** A descriptor size that is negative, fractional, too large or not a number. */
  BAD_SIZE("bad_size"),
  /** A descriptor digest inside a manifest that is not a valid digest. */
  BAD_DIGEST("bad_digest"),
  INDEX_CYCLE("index_cycle"),
  INDEX_TOO_DEEP("index_too_deep"),
  /**
   * A file or folder that was listed and then gone, usually the garbage collector or a delete at
   * work.
   */
  VANISHED("vanished"),
  /** A symbolic link where the registry writes plain files and folders; never followed. */
  SYMLINK("symlink"),
  /**
   * A FIFO, socket or device where the registry writes a regular file; never opened (opening a FIFO
   * waits for a writer).
   */
  SPECIAL_FILE("special_file"),
  /** Any other failed read (permissions, I/O errors). */
  READ_ERROR("read_error"),
  /**
   * A tag names a manifest, or an index names a child, that has no revision link in the tag's
   * repository (deleted by digest, or by 2.8's {@code garbage-collect --delete-untagged}): the
   * registry answers 404 although the blob may still be stored. The registry's state, not a damaged
   * file.
   */
  MISSING_REVISION("missing_revision", false),
  /**
   * A config or layer the tag's image needs is stored but not linked into the tag's repository
   * ({@code _layers/.../link} gone, as {@code DELETE /v2/<name>/blobs/<digest>} leaves it): the
   * registry answers 404 for it. The registry's state, not a damaged file.
   */
  MISSING_LAYER_LINK("missing_layer_link", false);

  private final String label;
  private final boolean fileDamage;

  Damage(String label) {
    this(label, true);
  }

  Damage(String label, boolean fileDamage) {
    this.label = label;
    this.fileDamage = fileDamage;
  }

  public String label() {
    return label;
  }

  /**
   * Whether this is damage to a file or folder, met and logged as a scan problem; the others
   * describe what the registry would answer for a tag.
   */
  public boolean isFileDamage() {
    return fileDamage;
  }
}
