package dev.regscope.model;

import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * How reading a registry over its HTTP API went, for {@code regscope_api_*}: requests by method and
 * answer, and failures by reason, both counted since start; the rate limit the registry announced
 * last; and how many repositories the last scan could not read, so they carry the numbers of the
 * scan before.
 */
public record ApiHealth(
    Map<Request, Long> requests,
    Map<ApiError, Long> errors,
    OptionalLong rateLimitRemaining,
    int staleRepositories) {

  /**
   * One kind of request: its method and the answer's status ({@code 200}), or for a request that
   * got none, the failure ({@code network_error}, {@code timeout}).
   */
  public record Request(String method, String code) implements Comparable<Request> {
    @Override
    public int compareTo(Request other) {
      int byMethod = method.compareTo(other.method);
      return byMethod != 0 ? byMethod : code.compareTo(other.code);
    }
  }

  public ApiHealth {
    requests = Map.copyOf(requests);
    errors = Map.copyOf(errors);
  }

  /** The requests sorted by method and code, for stable output. */
  public Map<Request, Long> sortedRequests() {
    return new TreeMap<>(requests);
  }
}
