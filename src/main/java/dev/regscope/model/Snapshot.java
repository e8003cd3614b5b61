package dev.regscope.model;

import dev.regscope.core.Damage;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The immutable result of one complete scan; the server publishes the newest one. {@code coverage}
 * says what the source could see: where it could not, the fields stay empty and nothing of it is
 * exported.
 */
public record Snapshot(
    Instant finishedAt,
    Duration duration,
    List<RepositoryStats> repositories,
    List<ScanProblem> problems,
    int manifests,
    StoreHygiene store,
    List<UploadStats> uploads,
    Coverage coverage) {

  public Snapshot {
    repositories = List.copyOf(repositories);
    problems = List.copyOf(problems);
    uploads = List.copyOf(uploads);
    java.util.Objects.requireNonNull(coverage, "coverage");
  }

  /** A snapshot of a storage tree. */
  public Snapshot(
      Instant finishedAt,
      Duration duration,
      List<RepositoryStats> repositories,
      List<ScanProblem> problems,
      int manifests,
      StoreHygiene store,
      List<UploadStats> uploads) {
    this(finishedAt, duration, repositories, problems, manifests, store, uploads, Coverage.STORAGE);
  }

  public Snapshot(
      Instant finishedAt,
      Duration duration,
      List<RepositoryStats> repositories,
      List<ScanProblem> problems,
      int manifests) {
    this(finishedAt, duration, repositories, problems, manifests, StoreHygiene.NONE, List.of());
  }

  public int tagCount() {
    return repositories.stream().mapToInt(RepositoryStats::tagCount).sum();
  }

  /** How many problems of each kind this scan met. */
  public Map<Damage, Long> problemCounts() {
    Map<Damage, Long> counts = new EnumMap<>(Damage.class);
    for (ScanProblem problem : problems) {
      counts.merge(problem.damage(), 1L, Long::sum);
    }
    return counts;
  }
}
