package dev.regscope.registry;

import java.time.Duration;

/**
 * The moment by which a call (or a whole probe attempt, several calls) must be done, on the
 * monotonic clock.
 */
public final class Deadline {
  /** No deadline beyond each request's own timeout. */
  public static final Deadline NONE = new Deadline(Long.MAX_VALUE, true);

  private final long nanos;
  private final boolean none;

  private Deadline(long nanos, boolean none) {
    this.nanos = nanos;
    this.none = none;
  }

  public static Deadline after(Duration duration) {
    return new Deadline(System.nanoTime() + duration.toNanos(), false);
  }

  /** The time left, capped at {@code cap}; zero or less once past. */
  public Duration remaining(Duration cap) {
    if (none) {
      return cap;
    }
    Duration left = Duration.ofNanos(nanos - System.nanoTime());
    return left.compareTo(cap) < 0 ? left : cap;
  }

  public boolean isNone() {
    return none;
  }
}
