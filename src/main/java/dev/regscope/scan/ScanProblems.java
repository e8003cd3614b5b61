package dev.regscope.scan;

import dev.regscope.core.Damage;
import dev.regscope.model.ScanProblem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Collects the damage one scan meets, once per file (or API path) and kind, so a manifest shared by
 * a thousand tags is one problem, not a thousand. Thread-safe.
 */
public final class ScanProblems {
  private final Map<String, ScanProblem> problems = new LinkedHashMap<>();
  private final Set<String> reportedBefore;
  private final Consumer<ScanProblem> log;

  /**
   * @param reportedBefore keys of the problems the previous scan logged; those are counted again
   *     but not logged again, so a damaged file yields one log line while it stays damaged
   */
  public ScanProblems(Set<String> reportedBefore, Consumer<ScanProblem> log) {
    this.reportedBefore = reportedBefore;
    this.log = log;
  }

  public void add(Path path, Damage damage, String message) {
    ScanProblem problem = new ScanProblem(path, damage, message);
    String key = key(problem);
    boolean isNew;
    synchronized (problems) {
      isNew = problems.putIfAbsent(key, problem) == null;
    }
    if (isNew && !reportedBefore.contains(key)) {
      log.accept(problem);
    }
  }

  public static String key(ScanProblem problem) {
    return problem.damage().label() + " " + problem.path();
  }

  public List<ScanProblem> all() {
    synchronized (problems) {
      List<ScanProblem> sorted = new ArrayList<>(problems.values());
      sorted.sort(
          Comparator.comparing((ScanProblem p) -> p.path().toString())
              .thenComparing(ScanProblem::damage));
      return sorted;
    }
  }
}
