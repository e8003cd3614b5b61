package dev.regscope.metrics;

import dev.regscope.model.ApiError;
import dev.regscope.model.ApiHealth;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;
import java.util.List;

/** The health of a source that reads the registry's HTTP API: its requests and its failures. */
final class ApiFamilies {
  private ApiFamilies() {}

  static void add(ApiHealth api, List<MetricFamilySamples> families) {
    CounterMetricFamily requests =
        new CounterMetricFamily(
            "regscope_api_requests_total",
            "Requests to the registry's HTTP API (token requests included) since start, by method and "
                + "status code, or the failure where no answer came.",
            List.of("method", "code"));
    api.sortedRequests()
        .forEach(
            (request, count) ->
                requests.addMetric(List.of(request.method(), request.code()), count));
    families.add(requests);
    CounterMetricFamily errors =
        new CounterMetricFamily(
            "regscope_api_errors_total",
            "Reads of the registry's HTTP API that failed since start, by reason: a failed scan, or a"
                + " repository that kept its last numbers.",
            List.of("reason"));
    for (ApiError reason : ApiError.values()) {
      // Every reason from the start, so increase() sees the first failure.
      errors.addMetric(List.of(reason.label()), api.errors().getOrDefault(reason, 0L));
    }
    families.add(errors);
    families.add(
        new GaugeMetricFamily(
            "regscope_api_stale_repositories",
            "Repositories the last scan could not read, published with the numbers of an earlier scan.",
            api.staleRepositories()));
    api.rateLimitRemaining()
        .ifPresent(
            remaining ->
                families.add(
                    new GaugeMetricFamily(
                        "regscope_api_rate_limit_remaining",
                        "Requests the registry's rate limit still allows, as it last said"
                            + " (Docker Hub's ratelimit-remaining header).",
                        remaining)));
  }
}
