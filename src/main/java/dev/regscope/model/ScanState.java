package dev.regscope.model;

import dev.regscope.core.Damage;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the exporter publishes: the newest complete snapshot, plus counters that run across scans.
 *
 * @param latest the last successful scan, empty until the first completes
 * @param errorTotals damage met, summed over every scan since start
 * @param scans completed scans; {@code failedScans} scans that failed as a whole
 * @param failures the failed scans by reason
 * @param api how reading the registry's HTTP API went, for a source that reads it
 */
public record ScanState(
    Optional<Snapshot> latest,
    Map<Damage, Long> errorTotals,
    long scans,
    long failedScans,
    Map<ScanFailure, Long> failures,
    Optional<ApiHealth> api) {
  public static final ScanState EMPTY = new ScanState(Optional.empty(), Map.of(), 0, 0);

  public ScanState {
    errorTotals = Map.copyOf(errorTotals);
    failures = Map.copyOf(failures);
    Objects.requireNonNull(api, "api");
  }

  /** A state whose failures are not told apart by reason. */
  public ScanState(
      Optional<Snapshot> latest, Map<Damage, Long> errorTotals, long scans, long failedScans) {
    this(latest, errorTotals, scans, failedScans, Map.of(), Optional.empty());
  }

  public ScanState(
      Optional<Snapshot> latest,
      Map<Damage, Long> errorTotals,
      long scans,
      long failedScans,
      Optional<ApiHealth> api) {
    this(latest, errorTotals, scans, failedScans, Map.of(), api);
  }

  /** This state with the source's API health as it is now. */
  public ScanState withApi(Optional<ApiHealth> now) {
    return new ScanState(latest, errorTotals, scans, failedScans, failures, now);
  }

  /**
   * The state after a successful scan: its snapshot replaces the last, its problems add to the
   * totals.
   */
  public ScanState after(Snapshot snapshot) {
    Map<Damage, Long> totals = new EnumMap<>(Damage.class);
    totals.putAll(errorTotals);
    snapshot.problemCounts().forEach((damage, count) -> totals.merge(damage, count, Long::sum));
    return new ScanState(Optional.of(snapshot), totals, scans + 1, failedScans, failures, api);
  }

  /** The state after a scan that failed as a whole: the previous snapshot stays. */
  public ScanState afterFailure(ScanFailure reason) {
    Map<ScanFailure, Long> byReason = new EnumMap<>(ScanFailure.class);
    byReason.putAll(failures);
    byReason.merge(reason, 1L, Long::sum);
    return new ScanState(latest, errorTotals, scans, failedScans + 1, byReason, api);
  }

  /** The state after a scan that could not read the tree. */
  public ScanState afterFailure() {
    return afterFailure(ScanFailure.READ_ERROR);
  }
}
