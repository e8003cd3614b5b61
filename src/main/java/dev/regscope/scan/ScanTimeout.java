package dev.regscope.scan;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * How long a scan may run before it is abandoned: a fixed duration, or (the default) one derived
 * from recent scans, so a registry that grows slowly is never cut short and a hung read is still
 * noticed. Pure, apart from remembering the last few durations.
 */
public final class ScanTimeout {
  /** A derived timeout is never shorter than this. */
  static final Duration FLOOR = Duration.ofMinutes(2);

  /** Before any scan has completed: a first scan reads everything from a cold cache. */
  static final Duration FIRST_SCAN = Duration.ofMinutes(30);

  /** A derived timeout is this many times the slowest of the recent scans. */
  static final int FACTOR = 10;

  static final int RECENT = 5;

  private final Duration fixed;
  private final Deque<Duration> recent = new ArrayDeque<>();

  private ScanTimeout(Duration fixed) {
    this.fixed = fixed;
  }

  /** Always {@code timeout}. */
  public static ScanTimeout fixed(Duration timeout) {
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("a scan timeout must be positive: " + timeout);
    }
    return new ScanTimeout(timeout);
  }

  /**
   * {@value #FACTOR} times the slowest of the last {@value #RECENT} complete scans, at least {@link
   * #FLOOR}; {@link #FIRST_SCAN} until a scan has completed.
   */
  public static ScanTimeout derived() {
    return new ScanTimeout(null);
  }

  /** The timeout for the next scan. */
  public synchronized Duration next() {
    if (fixed != null) {
      return fixed;
    }
    if (recent.isEmpty()) {
      return FIRST_SCAN;
    }
    Duration slowest = recent.stream().max(Duration::compareTo).orElseThrow();
    Duration derived = slowest.multipliedBy(FACTOR);
    return derived.compareTo(FLOOR) < 0 ? FLOOR : derived;
  }

  /** Learns from a scan that completed in {@code duration}. */
  public synchronized void completed(Duration duration) {
    recent.addLast(duration);
    while (recent.size() > RECENT) {
      recent.removeFirst();
    }
  }

  /** Whether the timeout is derived from recent scans rather than fixed. */
  public boolean isDerived() {
    return fixed == null;
  }
}
