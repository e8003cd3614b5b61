package dev.regscope.registry;

import java.time.Duration;

/**
 * How often a failed request is tried again and how long to wait in between: back-off doubling from
 * {@code firstBackoff} (1, 2, 4, 8 s by default), never shorter than the registry's {@code
 * Retry-After}. Only idempotent requests that failed for a reason that may pass (network, timeout,
 * 429, 5xx) are retried.
 */
public record RetryPolicy(int attempts, Duration firstBackoff, Duration maxBackoff) {
  public RetryPolicy {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, not " + attempts);
    }
  }

  /** One attempt, no retries: for callers that retry whole operations themselves. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
  }

  public static RetryPolicy defaults() {
    return new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(60));
  }

  /** The wait after failed attempt {@code attempt} (1-based). */
  public Duration backoff(int attempt) {
    Duration wait = firstBackoff.multipliedBy(1L << Math.min(attempt - 1, 20));
    return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
  }

  /** The wait after a failed attempt: the back-off, or longer if the registry asked for it. */
  public Duration delay(int attempt, RegistryException failure) {
    Duration wait = backoff(attempt);
    Duration asked = failure.retryAfter().orElse(Duration.ZERO);
    return asked.compareTo(wait) > 0 ? asked : wait;
  }

  /** Whether {@code failure} may pass on its own, so trying again makes sense. */
  public static boolean mayPass(RegistryException failure) {
    return switch (failure.errorClass()) {
      case NETWORK_ERROR, TIMEOUT -> true;
      // An answer of 429 or 5xx; content that does not match its digest has no status, and stays.
      case SERVER_ERROR -> failure.status().isPresent();
      default -> false;
    };
  }
}
