package dev.regscope.targets;

import dev.regscope.registry.ClientSettings;
import dev.regscope.scan.RepositoryFilter;
import java.time.Duration;

/**
 * What a target that does not say otherwise uses: the command's credentials and trust, scan
 * interval, concurrency, page size and repository filter.
 */
public record TargetDefaults(
    ClientSettings access,
    Duration interval,
    int concurrency,
    int pageSize,
    RepositoryFilter filter) {
  public TargetDefaults {
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("targets are scanned at an interval longer than 0");
    }
  }
}
