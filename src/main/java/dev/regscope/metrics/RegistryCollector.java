package dev.regscope.metrics;

import dev.regscope.core.Damage;
import dev.regscope.model.BrokenTag;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.ScanFailure;
import dev.regscope.model.ScanState;
import dev.regscope.model.Snapshot;
import io.prometheus.client.Collector;
import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Turns the published {@link ScanState} into metric families. It never touches the disk: everything
 * comes from the snapshot (the one exception is on-demand mode, where asking the supplier runs the
 * shared scan).
 */
public final class RegistryCollector extends Collector implements Collector.Describable {
  private static final List<String> REPO = List.of("repository");
  private static final List<String> TAG = List.of("repository", "tag");
  private static final List<String> PLATFORM = List.of("repository", "tag", "platform");

  private final Supplier<ScanState> state;
  private final SeriesFilter filter;

  public RegistryCollector(Supplier<ScanState> state) {
    this(state, SeriesFilter.ALL);
  }

  public RegistryCollector(Supplier<ScanState> state, SeriesFilter filter) {
    this.state = state;
    this.filter = filter;
  }

  /** Describing returns nothing so that registering the collector does not run a scan. */
  @Override
  public List<MetricFamilySamples> describe() {
    return List.of();
  }

  @Override
  public List<MetricFamilySamples> collect() {
    return families(state.get(), filter);
  }

  /** The families for a state; pure, so tests can check them without a registry or a server. */
  public static List<MetricFamilySamples> families(ScanState state, SeriesFilter filter) {
    List<MetricFamilySamples> families = new ArrayList<>();
    state.latest().ifPresent(snapshot -> addRegistry(snapshot, filter, families));
    addHealth(state, families);
    state.api().ifPresent(api -> ApiFamilies.add(api, families));
    return families;
  }

  private static void addRegistry(
      Snapshot snapshot, SeriesFilter filter, List<MetricFamilySamples> families) {
    GaugeMetricFamily tags =
        new GaugeMetricFamily(
            "repository_tags_total", "Tags in the repository, readable or broken.", REPO);
    GaugeMetricFamily revisions =
        new GaugeMetricFamily(
            "repository_revisions_total",
            "Manifest revisions in the repository (tagged, untagged and index children).",
            REPO);
    GaugeMetricFamily broken =
        new GaugeMetricFamily(
            "regscope_broken_tags",
            "Tags the registry cannot serve: their manifest or a child manifest is missing, unreadable or"
                + " not a revision of the repository, by reason.",
            List.of("repository", "reason"));

    for (RepositoryStats repository : snapshot.repositories()) {
      String name = repository.name();
      tags.addMetric(List.of(name), repository.tagCount());
      revisions.addMetric(List.of(name), repository.revisions());
      Map<Damage, Integer> reasons = new TreeMap<>();
      for (BrokenTag tag : repository.brokenTags()) {
        reasons.merge(tag.reason(), 1, Integer::sum);
      }
      reasons.forEach((reason, count) -> broken.addMetric(List.of(name, reason.label()), count));
    }
    families.add(tags);
    if (snapshot.coverage().revisions()) {
      families.add(revisions);
    }
    families.addAll(
        List.of(
            TagSamples.family(
                TagFamily.LAYERS,
                "repository_tag_layers_total",
                "Layers of the image the tag points at; for a multi-platform tag, the sum over its child manifests.",
                snapshot,
                filter,
                (repository, tag) ->
                    TagSamples.sample(
                        "repository_tag_layers_total",
                        TAG,
                        List.of(repository.name(), tag.name()),
                        tag.layers())),
            TagSamples.family(
                TagFamily.SIZE,
                "repository_tag_size_bytes",
                "Sum of the sizes of the layers counted in repository_tag_layers_total.",
                snapshot,
                filter,
                (repository, tag) ->
                    TagSamples.sample(
                        "repository_tag_size_bytes",
                        TAG,
                        List.of(repository.name(), tag.name()),
                        tag.sizeBytes())),
            TagSamples.family(
                TagFamily.PLATFORM,
                "repository_tag_platform_layers",
                "Layers of the child manifests of a multi-platform tag for one platform.",
                snapshot,
                filter,
                (repository, tag) ->
                    tag.platforms().stream()
                        .map(
                            platform ->
                                new Sample(
                                    "repository_tag_platform_layers",
                                    PLATFORM,
                                    List.of(repository.name(), tag.name(), platform.platform()),
                                    platform.layers()))),
            TagSamples.family(
                TagFamily.PLATFORM,
                "repository_tag_platform_size_bytes",
                "Size of the layers of the child manifests of a multi-platform tag for one platform.",
                snapshot,
                filter,
                (repository, tag) ->
                    tag.platforms().stream()
                        .map(
                            platform ->
                                new Sample(
                                    "repository_tag_platform_size_bytes",
                                    PLATFORM,
                                    List.of(repository.name(), tag.name(), platform.platform()),
                                    platform.sizeBytes()))),
            broken));
    HygieneFamilies.add(snapshot, filter, families);

    families.add(
        new GaugeMetricFamily(
            "regscope_scan_duration_seconds",
            "Wall-clock time of the last complete scan.",
            snapshot.duration().toNanos() / 1e9));
    families.add(
        new GaugeMetricFamily(
            "regscope_scan_last_success_timestamp_seconds",
            "Unix time at which the last complete scan finished.",
            snapshot.finishedAt().toEpochMilli() / 1e3));
    families.add(
        new GaugeMetricFamily(
            "regscope_scan_repositories",
            "Repositories seen in the last complete scan.",
            snapshot.repositories().size()));
    families.add(
        new GaugeMetricFamily(
            "regscope_scan_tags", "Tags seen in the last complete scan.", snapshot.tagCount()));
    families.add(
        new GaugeMetricFamily(
            "regscope_scan_manifests",
            "Distinct manifests (tagged and index children) read or found in cache in the last complete scan.",
            snapshot.manifests()));
    GaugeMetricFamily problems =
        new GaugeMetricFamily(
            "regscope_scan_problems",
            "Damaged files and folders met in the last complete scan, by reason.",
            List.of("reason"));
    Map<Damage, Long> counts = snapshot.problemCounts();
    for (Damage damage : Damage.values()) {
      // Every reason, 0 included: a series that vanishes when damage clears would leave
      // min_over_time() in an alert seeing only the scans that had damage.
      if (damage.isFileDamage()) {
        problems.addMetric(List.of(damage.label()), counts.getOrDefault(damage, 0L));
      }
    }
    families.add(problems);
  }

  private static void addHealth(ScanState state, List<MetricFamilySamples> families) {
    CounterMetricFamily errors =
        new CounterMetricFamily(
            "regscope_scan_errors_total",
            "Damage met while scanning, summed over all scans since start, by reason.",
            List.of("reason"));
    for (Damage damage : Damage.values()) {
      // Every reason is exported from the start, so rate() and increase() see the first error.
      if (damage.isFileDamage()) {
        errors.addMetric(List.of(damage.label()), state.errorTotals().getOrDefault(damage, 0L));
      }
    }
    families.add(errors);
    families.add(
        new CounterMetricFamily(
            "regscope_scans_total", "Complete scans since start.", state.scans()));
    CounterMetricFamily failures =
        new CounterMetricFamily(
            "regscope_scan_failures_total",
            "Scans that failed as a whole, by reason; the previous snapshot stayed published.",
            List.of("reason"));
    for (ScanFailure reason : ScanFailure.values()) {
      failures.addMetric(List.of(reason.label()), state.failures().getOrDefault(reason, 0L));
    }
    families.add(failures);
  }
}
