package dev.regscope.report;

import dev.regscope.model.BrokenTag;
import dev.regscope.model.Coverage;
import dev.regscope.model.ReferrerKind;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.Snapshot;
import dev.regscope.model.StoreHygiene;
import dev.regscope.model.UnpullableTag;
import dev.regscope.model.UploadStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code regscope report} shows, derived from a snapshot: the few facts an operator acts on.
 * Pure.
 *
 * @param largest the repositories with the largest exclusive size, largest first (at most {@link
 *     #TOP})
 * @param unpullableTags tags whose manifests are served but whose image cannot be pulled
 * @param untagged repositories with untagged manifests, most first (at most {@link #TOP})
 * @param deleteUntaggedReferrers referrers of tagged images 2.8's {@code --delete-untagged} would
 *     delete, by kind, over every repository
 * @param staleUploads uploads older than {@link #STALE_UPLOAD}, oldest first
 * @param coverage what the source could see: over the HTTP API, garbage collection, untagged
 *     manifests, uploads and blob totals are not known, and the largest repositories are ranked by
 *     what their tags reach
 */
public record HygieneReport(
    Totals totals,
    StoreHygiene store,
    List<RepositoryStats> largest,
    List<BrokenTagLine> brokenTags,
    List<UnpullableTagLine> unpullableTags,
    List<RepositoryStats> untagged,
    long deleteUntaggedBrokenTags,
    Map<ReferrerKind, Long> deleteUntaggedReferrers,
    List<UploadStats> staleUploads,
    Instant scannedAt,
    Coverage coverage) {
  public static final int TOP = 10;

  /**
   * The registry purges uploads older than this by default ({@code
   * storage.maintenance.uploadpurging}).
   */
  public static final Duration STALE_UPLOAD = Duration.ofDays(7);

  /** Counts over the whole registry (the repositories the filters export). */
  public record Totals(
      int repositories,
      int tags,
      long brokenTags,
      long unpullableTags,
      long untaggedManifests,
      long referrers,
      long missingBlobs) {}

  /** A broken tag with its repository, and the manifest its link names ("" where unknown). */
  public record BrokenTagLine(String repository, String tag, String reason, String digest) {}

  /** A tag that cannot be pulled, why, and the blobs that fail. */
  public record UnpullableTagLine(String repository, UnpullableTag tag) {}

  public static HygieneReport of(Snapshot snapshot) {
    List<RepositoryStats> repositories = snapshot.repositories();
    Coverage coverage = snapshot.coverage();
    List<RepositoryStats> largest =
        repositories.stream()
            .sorted(
                Comparator.comparingLong(
                        (RepositoryStats r) ->
                            coverage.revisions()
                                ? r.hygiene().exclusiveSizeBytes()
                                : r.hygiene().sizeBytes())
                    .reversed()
                    .thenComparing(RepositoryStats::name))
            .limit(TOP)
            .toList();
    List<BrokenTagLine> broken = new ArrayList<>();
    List<UnpullableTagLine> unpullable = new ArrayList<>();
    Map<ReferrerKind, Long> referrers = new EnumMap<>(ReferrerKind.class);
    for (RepositoryStats repository : repositories) {
      for (BrokenTag tag : repository.brokenTags()) {
        broken.add(
            new BrokenTagLine(
                repository.name(),
                tag.name(),
                tag.reason().label(),
                tag.digest() == null ? "" : tag.digest().toString()));
      }
      for (UnpullableTag tag : repository.hygiene().unpullableTags()) {
        unpullable.add(new UnpullableTagLine(repository.name(), tag));
      }
      repository
          .hygiene()
          .deleteUntaggedReferrers()
          .forEach((kind, count) -> referrers.merge(kind, count, Long::sum));
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
            unpullable.size(),
            repositories.stream().mapToLong(r -> r.hygiene().untaggedManifests()).sum(),
            repositories.stream().mapToLong(r -> r.hygiene().referrerCount()).sum(),
            repositories.stream().mapToLong(r -> r.hygiene().missingBlobs()).sum());
    long wouldBreak =
        repositories.stream().mapToLong(r -> r.hygiene().deleteUntaggedBrokenTags()).sum();
    return new HygieneReport(
        totals,
        snapshot.store(),
        largest,
        broken,
        unpullable,
        untagged,
        wouldBreak,
        referrers,
        stale,
        snapshot.finishedAt(),
        coverage);
  }

  /** Referrers of tagged images 2.8's {@code --delete-untagged} would delete, all kinds. */
  public long deleteUntaggedReferrerCount() {
    return deleteUntaggedReferrers.values().stream().mapToLong(Long::longValue).sum();
  }
}
