package dev.regscope.scan.api;

import dev.regscope.model.ApiError;
import dev.regscope.model.ApiHealth;
import dev.regscope.registry.ErrorClass;
import dev.regscope.registry.RequestListener;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts one registry's requests by method and answer (as the client's {@link RequestListener}),
 * failures by reason, and the rate limit the registry announces; thread-safe, since start.
 */
final class ApiCounters implements RequestListener {
  private static final long NONE = -1;

  private final Map<ApiHealth.Request, LongAdder> requests = new ConcurrentHashMap<>();
  private final Map<ApiError, LongAdder> errors = new ConcurrentHashMap<>();
  private final AtomicLong rateLimitRemaining = new AtomicLong(NONE);

  @Override
  public void answered(String method, int status, Duration elapsed) {
    count(method, Integer.toString(status));
  }

  @Override
  public void failed(String method, ErrorClass error, Duration elapsed) {
    count(method, error.name().toLowerCase(Locale.ROOT));
  }

  @Override
  public void rateLimitRemaining(long remaining) {
    rateLimitRemaining.set(remaining);
  }

  void error(ApiError reason) {
    errors.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  /** The counts now; {@code staleRepositories} is the last scan's. */
  ApiHealth health(int staleRepositories) {
    Map<ApiHealth.Request, Long> byRequest = new HashMap<>();
    requests.forEach((request, n) -> byRequest.put(request, n.sum()));
    Map<ApiError, Long> byReason = new EnumMap<>(ApiError.class);
    errors.forEach((reason, n) -> byReason.put(reason, n.sum()));
    long remaining = rateLimitRemaining.get();
    return new ApiHealth(
        byRequest,
        byReason,
        remaining == NONE ? OptionalLong.empty() : OptionalLong.of(remaining),
        staleRepositories);
  }

  private void count(String method, String code) {
    requests.computeIfAbsent(new ApiHealth.Request(method, code), r -> new LongAdder()).increment();
  }
}
