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
   * nothing trustworthy could be read, and the previous snapshot stays published ({@link
   * ScanFailedException} says why).
   */
  Snapshot scan() throws IOException;

  /**
   * What reading the registry has cost since start, in one line for a table's footer (the requests
   * object storage bills, by kind); empty where nothing countable is spent.
   */
  default String costs() {
    return "";
  }

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

  /**
   * What the running scan is waiting on now (the read in progress longest), for the log line when a
   * scan is abandoned; empty when unknown.
   */
  default Optional<String> reading() {
    return Optional.empty();
  }

  /**
   * The running scan has been given up on (it ran past its deadline; its thread may be stuck in a
   * read that never returns): it must not publish anything if it ever finishes, and the next scan
   * must not wait on its threads.
   */
  default void abandon() {}
}
