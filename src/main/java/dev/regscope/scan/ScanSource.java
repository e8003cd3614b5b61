package dev.regscope.scan;

import dev.regscope.model.ApiHealth;
import dev.regscope.model.Snapshot;
import java.io.IOException;
import java.util.Optional;

/**
 * Where a scan reads a registry: its storage tree (a folder or an S3 bucket, both read through a
 * {@code TreeReader} by {@link Scanner}) or its HTTP API. Scheduling, metrics and reports see only
 * this.
 */
public interface ScanSource {
  /**
   * Reads the registry once. Damage becomes problems inside the snapshot; an exception means
   * nothing trustworthy could be read, and the previous snapshot stays published.
   */
  Snapshot scan() throws IOException;

  /** Repositories read so far by the running (or last) scan; for progress displays. */
  default int repositoriesScanned() {
    return 0;
  }

  /**
   * How reading the registry's HTTP API has gone so far, for a source that reads it; asked after
   * every scan, whether it succeeded or failed.
   */
  default Optional<ApiHealth> apiHealth() {
    return Optional.empty();
  }
}
