package dev.regscope.core;

/**
 * One kind of damage a scan can meet in a registry tree; its {@link #label()} is the {@code reason}
 * label of {@code regscope_scan_errors_total} and {@code regscope_broken_tags}.
 */
public enum Damage {
  /** A link file that is not {@code <algorithm>:<lowercase hex>}. */
  BAD_LINK("bad_link"),
  /** A tag folder without {@code current/link}. */
  MISSING_LINK("missing_link"),
  /** A link names a blob whose {@code data} file is absent. */
  MISSING_BLOB("missing_blob"),
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
  /** A repository with {@code _manifests/} but no {@code _manifests/tags/}. */
  NO_TAGS_FOLDER("no_tags_folder"),
  /**
   * A file or folder that was listed and then gone, usually the garbage collector or a delete at
   * work.
   */
  VANISHED("vanished"),
  /** A symbolic link where the registry writes plain files and folders; never followed. */
  SYMLINK("symlink"),
  /** Any other failed read (permissions, I/O errors). */
  READ_ERROR("read_error");

  private final String label;

  Damage(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
