package dev.regscope.supervise;

import java.time.Duration;

/**
 * How long to wait before starting {@code serve} again: the first restart waits {@code first}, each
 * quick one after it twice as long up to {@code max}; a run that lasted {@code steady} or longer
 * starts the count over. As the kubelet does, but with a shorter ceiling: the registry is not
 * waiting on this one.
 */
public record Backoff(Duration first, Duration max, Duration steady) {
  public static final Backoff DEFAULT =
      new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(10));

  /**
   * The wait after a run that lasted {@code ran}, given the wait before it ({@code null}: none).
   */
  public Duration next(Duration previous, Duration ran) {
    if (previous == null || ran.compareTo(steady) >= 0) {
      return first;
    }
    Duration doubled = previous.multipliedBy(2);
    return doubled.compareTo(max) > 0 ? max : doubled;
  }
}
