package dev.regscope.model;

import dev.regscope.core.Damage;
import java.nio.file.Path;
import java.util.Objects;

/** Damage met during a scan at one file or folder, with a one-line explanation for the log. */
public record ScanProblem(Path path, Damage damage, String message) {
  public ScanProblem {
    Objects.requireNonNull(path);
    Objects.requireNonNull(damage);
    Objects.requireNonNull(message);
  }

  /** The log line: reason, what is wrong, and the file. */
  @Override
  public String toString() {
    return damage.label() + ": " + message + ": " + path;
  }
}
