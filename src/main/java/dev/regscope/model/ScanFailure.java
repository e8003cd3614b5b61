package dev.regscope.model;

/**
 * Why a scan failed as a whole (the previous snapshot then stays published); its {@link #label()}
 * is the {@code reason} label of {@code regscope_scan_failures_total}.
 */
public enum ScanFailure {
  /** The scan ran past its deadline (a hung read, as on a lost network mount) and was abandoned. */
  TIMEOUT("timeout"),
  /**
   * Storage that an earlier scan saw ({@code repositories/}, {@code blobs/} or the root) is gone.
   */
  STORAGE_VANISHED("storage_vanished"),
  /** {@code blobs/} without {@code repositories/}: half a tree, never read as an empty registry. */
  STORAGE_INCOMPLETE("storage_incomplete"),
  /** {@code repositories/} (or another folder the whole scan needs) could not be read. */
  READ_ERROR("read_error"),
  /** A bug: an unexpected exception in regscope itself. */
  INTERNAL_ERROR("internal_error");

  private final String label;

  ScanFailure(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
