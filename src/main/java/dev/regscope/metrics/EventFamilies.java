package dev.regscope.metrics;

import dev.regscope.events.Action;
import dev.regscope.events.RejectedEvent;
import dev.regscope.events.store.EventStatistics.RepositoryTraffic;
import dev.regscope.events.store.EventStatistics.TagPull;
import dev.regscope.events.store.EventStatistics.Totals;
import dev.regscope.events.store.StoreHealth;
import dev.regscope.scan.RepositoryFilter;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import io.prometheus.client.Collector.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/** Turns the event store's totals and the receiver's own counters into metric families. Pure. */
public final class EventFamilies {
  private EventFamilies() {}

  /**
   * What the store says, as last read.
   *
   * @param readAtMillis when it was read: the store's numbers are as old as this
   */
  public static List<MetricFamilySamples> store(
      Totals totals, long readAtMillis, RepositoryFilter repositories, SeriesFilter series) {
    List<MetricFamilySamples> families = new ArrayList<>();
    Map<String, Long> byAction = new TreeMap<>();
    for (Action action : Action.values()) {
      // every known action present from the start, so rate() sees the first one
      byAction.put(action.label(), 0L);
    }
    byAction.putAll(totals.eventsByAction());
    families.add(
        labelled(
            "registry_events",
            Type.COUNTER,
            "Registry notifications stored, by action; a redelivered event is not counted again.",
            "action",
            byAction));
    families.add(
        perRepository(
            "repository_pulls",
            "Manifest downloads (GET) per repository since the event store was created.",
            totals,
            repositories,
            RepositoryTraffic::pulls));
    families.add(
        perRepository(
            "repository_pull_bytes",
            "Bytes of blobs requested with GET per repository (each blob's whole size: an event does"
                + " not say whether a range was asked), since the event store was created.",
            totals,
            repositories,
            RepositoryTraffic::pullBytes));
    families.add(
        perRepository(
            "repository_push_bytes",
            "Bytes of blobs pushed per repository (cross-repository mounts move none), since the"
                + " event store was created.",
            totals,
            repositories,
            RepositoryTraffic::pushBytes));

    List<Sample> lastPull = new ArrayList<>();
    for (TagPull pull : totals.tagPulls()) {
      if (repositories.includes(pull.repository())
          && series.exports(TagFamily.PULLED, pull.tag())) {
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

    Map<String, Long> rejected = new TreeMap<>();
    for (RejectedEvent.Reason reason : RejectedEvent.Reason.values()) {
      rejected.put(reason.label(), 0L);
    }
    rejected.putAll(totals.rejectedByReason());
    families.add(
        labelled(
            "regscope_events_rejected",
            Type.COUNTER,
            "Events set aside in rejected_events because they can never be stored, by reason"
                + " (answered 200 so the registry's queue flows).",
            "reason",
            rejected));

    StoreHealth health = totals.health();
    families.add(
        gauge(
            "regscope_events_store_size_bytes",
            "Size of the event store: the SQLite file with its WAL, or the PostgreSQL database.",
            health.sizeBytes()));
    if (health.oldestMillis() != null) {
      families.add(
          gauge(
              "regscope_events_oldest_timestamp_seconds",
              "When the oldest event kept in the store happened, in seconds since the epoch.",
              health.oldestMillis() / 1000.0));
    }
    if (health.volumeAvailableBytes() != null) {
      families.add(
          gauge(
              "regscope_events_store_volume_available_bytes",
              "Bytes still free for the SQLite event store on its volume.",
              health.volumeAvailableBytes()));
      families.add(
          gauge(
              "regscope_events_store_volume_size_bytes",
              "Size of the volume holding the SQLite event store.",
              health.volumeSizeBytes()));
    }
    families.add(
        gauge(
            "regscope_events_store_read_timestamp_seconds",
            "When the event metrics were last read from the store (in the background, never on a"
                + " scrape), in seconds since the epoch.",
            readAtMillis / 1000.0));
    return families;
  }

  /**
   * The receiver's own counters, known without the store.
   *
   * @param storeErrors deliveries this process could not store (answered 503)
   * @param pruned events this process deleted for the retention
   */
  public static List<MetricFamilySamples> process(long storeErrors, long pruned) {
    return List.of(
        counter(
            "regscope_events_store_errors",
            "Deliveries that could not be stored now (answered 503 so the registry retries).",
            storeErrors),
        counter(
            "regscope_events_pruned",
            "Events deleted from the store because they were older than --events-retention.",
            pruned));
  }

  private static MetricFamilySamples perRepository(
      String name,
      String help,
      Totals totals,
      RepositoryFilter repositories,
      ToLongFunction<RepositoryTraffic> value) {
    List<Sample> samples = new ArrayList<>();
    totals
        .traffic()
        .forEach(
            (repository, traffic) -> {
              if (repositories.includes(repository)) {
                samples.add(
                    new Sample(
                        name + "_total",
                        List.of("repository"),
                        List.of(repository),
                        value.applyAsLong(traffic)));
              }
            });
    return new MetricFamilySamples(name, Type.COUNTER, help, samples);
  }

  private static MetricFamilySamples labelled(
      String name, Type type, String help, String label, Map<String, Long> values) {
    List<Sample> samples = new ArrayList<>();
    values.forEach(
        (value, count) ->
            samples.add(new Sample(name + "_total", List.of(label), List.of(value), count)));
    return new MetricFamilySamples(name, type, help, samples);
  }

  private static MetricFamilySamples counter(String name, String help, long value) {
    return new MetricFamilySamples(
        name,
        Type.COUNTER,
        help,
        List.of(new Sample(name + "_total", List.of(), List.of(), value)));
  }

  private static MetricFamilySamples gauge(String name, String help, double value) {
    return new MetricFamilySamples(
        name, Type.GAUGE, help, List.of(new Sample(name, List.of(), List.of(), value)));
  }
}
