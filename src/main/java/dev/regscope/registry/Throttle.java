package dev.regscope.registry;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * Keeps a client polite to its registry: at most {@code concurrency} requests in flight, and none
 * sent while the registry asked everyone to wait (a 429, or a 503 with {@code Retry-After}), so
 * many threads back off together instead of each finding out on its own.
 */
final class Throttle {
  /** A registry asking for longer pauses than this is waited for this long at a time. */
  static final Duration MAX_PAUSE = Duration.ofSeconds(60);

  /** The pause after a 429 that does not say how long. */
  static final Duration DEFAULT_PAUSE = Duration.ofSeconds(1);

  private final Semaphore permits;
  private final Object lock = new Object();
  private long pausedUntil = System.nanoTime();

  Throttle(int concurrency) {
    this.permits = new Semaphore(concurrency, true);
  }

  /** Waits for a pause to end and for a free slot; pair with {@link #leave()}. */
  void enter() throws InterruptedException {
    while (true) {
      long wait;
      synchronized (lock) {
        wait = pausedUntil - System.nanoTime();
      }
      if (wait <= 0) {
        break;
      }
      Thread.sleep(Math.max(1, wait / 1_000_000));
    }
    permits.acquire();
  }

  void leave() {
    permits.release();
  }

  /** Learns from an answer: a 429, or a 503 that says when to come back, pauses every request. */
  void answered(int status, Optional<Duration> retryAfter) {
    if (status != 429 && !(status == 503 && retryAfter.isPresent())) {
      return;
    }
    Duration pause = retryAfter.orElse(DEFAULT_PAUSE);
    if (pause.compareTo(MAX_PAUSE) > 0) {
      pause = MAX_PAUSE;
    }
    long until = System.nanoTime() + pause.toNanos();
    synchronized (lock) {
      if (until - pausedUntil > 0) {
        pausedUntil = until;
      }
    }
  }
}
