package dev.regscope.metrics;

import dev.regscope.events.Action;
import dev.regscope.events.store.EventStatistics.TagPull;
import dev.regscope.events.store.EventStatistics.Totals;
import dev.regscope.scan.RepositoryFilter;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import io.prometheus.client.Collector.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Turns the event store's totals into metric families. Pure. */
public final class EventFamilies {
  private EventFamilies() {}

  /**
   * @param storeErrors deliveries this process could not store (answered 503)
   */
  public static List<MetricFamilySamples> families(
      Totals totals, long storeErrors, RepositoryFilter repositories, SeriesFilter series) {
    List<MetricFamilySamples> families = new ArrayList<>();
    Map<String, Long> byAction = new TreeMap<>();
    for (Action action : Action.values()) {
      byAction.put(
          action.label(),
          0L); // every known action present from the start, so rate() sees the first one
    }
    byAction.putAll(totals.eventsByAction());
    List<Sample> events = new ArrayList<>();
    byAction.forEach(
        (action, count) ->
            events.add(
                new Sample("registry_events_total", List.of("action"), List.of(action), count)));
    families.add(
        new MetricFamilySamples(
            "registry_events",
            Type.COUNTER,
            "Registry notifications stored, by action; a redelivered event is not counted again.",
            events));

    List<Sample> pulls = new ArrayList<>();
    totals
        .pullsByRepository()
        .forEach(
            (repository, count) -> {
              if (repositories.includes(repository)) {
                pulls.add(
                    new Sample(
                        "repository_pulls_total",
                        List.of("repository"),
                        List.of(repository),
                        count));
              }
            });
    families.add(
        new MetricFamilySamples(
            "repository_pulls",
            Type.COUNTER,
            "Manifest downloads (GET) per repository since the event store was created.",
            pulls));

    List<Sample> lastPull = new ArrayList<>();
    for (TagPull pull : totals.tagPulls()) {
      if (repositories.includes(pull.repository()) && series.exportsTag(pull.tag())) {
        lastPull.add(
            new Sample(
                "repository_tag_last_pull_timestamp_seconds",
                List.of("repository", "tag"),
                List.of(pull.repository(), pull.tag()),
                pull.lastPulledMillis() / 1000.0));
      }
    }
    families.add(
        new MetricFamilySamples(
            "repository_tag_last_pull_timestamp_seconds",
            Type.GAUGE,
            "When the tag's manifest was last pulled or checked (HEAD), in seconds since the epoch.",
            lastPull));

    families.add(
        new MetricFamilySamples(
            "regscope_events_store_errors",
            Type.COUNTER,
            "Deliveries that could not be stored (answered 503 so the registry retries).",
            List.of(
                new Sample(
                    "regscope_events_store_errors_total", List.of(), List.of(), storeErrors))));
    return families;
  }
}
