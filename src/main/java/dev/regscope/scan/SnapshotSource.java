package dev.regscope.scan;

import dev.regscope.model.ScanState;

/** Hands the metrics collector the state to publish; the two scheduling modes differ only here. */
public interface SnapshotSource {
  /** The state to publish now. */
  ScanState current();

  /** Whether a first scan has completed (the readiness probe). */
  default boolean ready() {
    return current().latest().isPresent();
  }
}
