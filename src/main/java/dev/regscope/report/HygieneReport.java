package dev.regscope.report;

import dev.regscope.model.BrokenTag;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.Snapshot;
import dev.regscope.model.StoreHygiene;
import dev.regscope.model.UploadStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What {@code regscope report} shows, derived from a snapshot: the few facts an operator acts on.
 * Pure.
 *
 * @param largest the repositories with the largest exclusive size, largest first (at most {@link
 *     #TOP})
 * @param untagged repositories with untagged manifests, most first (at most {@link #TOP})
 * @param staleUploads uploads older than {@link #STALE_UPLOAD}, oldest first
 */
public record HygieneReport(
    Totals totals,
    StoreHygiene store,
    List<RepositoryStats> largest,
    List<BrokenTagLine> brokenTags,
    List<RepositoryStats> untagged,
    long deleteUntaggedBrokenTags,
    List<UploadStats> staleUploads,
    Instant scannedAt) {
  public static final int TOP = 10;

  /**
   * The registry purges uploads older than this by default ({@code
   * storage.maintenance.uploadpurging}).
   */
  public static final Duration STALE_UPLOAD = Duration.ofDays(7);

  /** Counts over the whole registry. */
  public record Totals(
      int repositories, int tags, long brokenTags, long untaggedManifests, long missingBlobs) {}

  /** A broken tag with its repository. */
  public record BrokenTagLine(String repository, String tag, String reason) {}

  public static HygieneReport of(Snapshot snapshot) {
    List<RepositoryStats> repositories = snapshot.repositories();
    List<RepositoryStats> largest =
        repositories.stream()
            .sorted(
                Comparator.comparingLong((RepositoryStats r) -> r.hygiene().exclusiveSizeBytes())
                    .reversed()
                    .thenComparing(RepositoryStats::name))
            .limit(TOP)
            .toList();
    List<BrokenTagLine> broken = new ArrayList<>();
    for (RepositoryStats repository : repositories) {
      for (BrokenTag tag : repository.brokenTags()) {
        broken.add(new BrokenTagLine(repository.name(), tag.name(), tag.reason().label()));
      }
    }
    List<RepositoryStats> untagged =
        repositories.stream()
            .filter(r -> r.hygiene().untaggedManifests() > 0)
            .sorted(
                Comparator.comparingLong((RepositoryStats r) -> r.hygiene().untaggedManifests())
                    .reversed()
                    .thenComparing(RepositoryStats::name))
            .limit(TOP)
            .toList();
    Instant staleBefore = snapshot.finishedAt().minus(STALE_UPLOAD);
    List<UploadStats> stale =
        snapshot.uploads().stream()
            .filter(u -> u.oldestStartedAt() != null && u.oldestStartedAt().isBefore(staleBefore))
            .sorted(Comparator.comparing(UploadStats::oldestStartedAt))
            .toList();
    Totals totals =
        new Totals(
            repositories.size(),
            snapshot.tagCount(),
            broken.size(),
            repositories.stream().mapToLong(r -> r.hygiene().untaggedManifests()).sum(),
            repositories.stream().mapToLong(r -> r.hygiene().missingBlobs()).sum());
    long wouldBreak =
        repositories.stream().mapToLong(r -> r.hygiene().deleteUntaggedBrokenTags()).sum();
    return new HygieneReport(
        totals,
        snapshot.store(),
        largest,
        broken,
        untagged,
        wouldBreak,
        stale,
        snapshot.finishedAt());
  }
}
