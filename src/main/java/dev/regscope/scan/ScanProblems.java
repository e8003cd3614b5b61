package dev.regscope.scan;

import dev.regscope.core.Damage;
import dev.regscope.model.ScanProblem;
import dev.regscope.storage.SpecialFileException;
import dev.regscope.storage.SymbolicLinkException;
import dev.regscope.storage.TreeReader;
import java.io.IOException;
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
    String key = key(path, damage);
    boolean isNew;
    synchronized (problems) {
      isNew = problems.putIfAbsent(key, problem) == null;
    }
    if (isNew && !reportedBefore.contains(key)) {
      log.accept(problem);
    }
  }

  public static String key(ScanProblem problem) {
    return key(problem.path(), problem.damage());
  }

  private static String key(Path path, Damage damage) {
    return damage.label() + " " + path;
  }

  /** Whether the previous scan met the same damage at the same path: it persists. */
  boolean reportedBefore(Path path, Damage damage) {
    return reportedBefore.contains(key(path, damage));
  }

  /**
   * Where a failed read of {@code path} went wrong: the symbolic link it met on the way (so one
   * link behind which many files sit is one problem), else the path itself.
   */
  static Path where(Path path, IOException failure) {
    return failure instanceof SymbolicLinkException link
        ? path.getFileSystem().getPath(link.getFile())
        : path;
  }

  /**
   * The damage a failed read of {@code path} means: a symbolic link on the way or at the end, a
   * special file, or another read error.
   */
  static Damage readDamage(TreeReader reader, Path path, IOException failure) {
    if (failure instanceof SymbolicLinkException) {
      return Damage.SYMLINK;
    }
    if (failure instanceof SpecialFileException) {
      return Damage.SPECIAL_FILE;
    }
    return reader.isSymbolicLink(path) ? Damage.SYMLINK : Damage.READ_ERROR;
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
