package dev.regscope.registry;

import java.time.Duration;

/**
 * Told of every HTTP exchange a client makes (token requests included), for counting requests by
 * method and status, and of the rate limit the registry announces; called on the thread that made
 * the request, so it must be quick.
 */
public interface RequestListener {
  RequestListener NONE =
      new RequestListener() {
        @Override
        public void answered(String method, int status, Duration elapsed) {}

        @Override
        public void failed(String method, ErrorClass error, Duration elapsed) {}
      };

  /** The registry answered with {@code status}. */
  void answered(String method, int status, Duration elapsed);

  /** No answer: a timeout, a refused connection, a TLS failure. */
  void failed(String method, ErrorClass error, Duration elapsed);

  /**
   * The registry said how many requests its rate limit still allows (Docker Hub's {@code
   * ratelimit-remaining}).
   */
  default void rateLimitRemaining(long remaining) {}
}
