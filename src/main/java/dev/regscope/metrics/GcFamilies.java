package dev.regscope.metrics;

import dev.regscope.model.GcMode;
import dev.regscope.model.ReferrerKind;
import dev.regscope.model.RepositoryHygiene;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.Snapshot;
import dev.regscope.model.StoreHygiene;
import dev.regscope.model.Withheld;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.GaugeMetricFamily;
import java.util.List;
import java.util.Map;

/**
 * The garbage-collection families of a snapshot: the blob store, what each mode would delete (or
 * why that is withheld), and what registry 2.8's {@code --delete-untagged} would break or delete.
 */
final class GcFamilies {
  private static final List<String> REPO = List.of("repository");
  private static final List<String> MODE = List.of("mode");
  private static final List<String> REPO_KIND = List.of("repository", "kind");

  private GcFamilies() {}

  static void add(Snapshot snapshot, List<MetricFamilySamples> families) {
    StoreHygiene store = snapshot.store();
    if (!snapshot.coverage().blobStore() || !snapshot.coverage().revisions()) {
      return; // a source that cannot list the blob store and every revision previews nothing
    }
    if (store.complete()) {
      // Only a complete census tells what is absent: with a prefix folder unreadable, nothing here
      // is exported.
      families.add(
          new GaugeMetricFamily("regscope_blobs", "Blobs in the blob store.", store.blobs()));
      families.add(
          new GaugeMetricFamily(
              "regscope_blobs_size_bytes",
              "Size of the blob store: the data files of every blob.",
              store.blobBytes()));
    }
    GaugeMetricFamily blobs =
        new GaugeMetricFamily(
            "regscope_gc_reclaimable_blobs",
            "Blobs garbage collection would delete: mode unreferenced is garbage-collect, mode untagged is "
                + "--delete-untagged keeping the children of tagged indexes.",
            MODE);
    GaugeMetricFamily bytes =
        new GaugeMetricFamily(
            "regscope_gc_reclaimable_bytes",
            "Size on disk of the blobs in regscope_gc_reclaimable_blobs.",
            MODE);
    GaugeMetricFamily withheld =
        new GaugeMetricFamily(
            "regscope_gc_preview_withheld",
            "Present when a mode's preview is not exported this scan, by reason (collector_aborts: registry "
                + "2.8's garbage-collect would exit with an error); the value counts the causes.",
            List.of("mode", "reason"));
    for (GcMode mode : GcMode.values()) {
      if (store.previewed(mode)) {
        blobs.addMetric(List.of(mode.label()), store.reclaimable(mode).blobs().size());
        bytes.addMetric(List.of(mode.label()), store.reclaimable(mode).bytes());
      }
    }
    for (Withheld reason : store.withheld()) {
      withheld.addMetric(
          List.of(reason.mode().label(), reason.reason().label()), reason.causes().size());
    }
    families.addAll(List.of(blobs, bytes, withheld));

    GaugeMetricFamily wouldBreak =
        new GaugeMetricFamily(
            "regscope_gc_delete_untagged_broken_tags",
            "Tags that can be pulled now and that registry 2.8 garbage-collect --delete-untagged would break: "
                + "multi-platform indexes whose children carry no tag of their own (distribution#3178).",
            REPO);
    GaugeMetricFamily referrers =
        new GaugeMetricFamily(
            "regscope_gc_delete_untagged_referrers",
            "Referrers (signatures, SBOMs, attestations) of images the repository's tags reach that registry "
                + "2.8 garbage-collect --delete-untagged would delete, by kind.",
            REPO_KIND);
    for (RepositoryStats repository : snapshot.repositories()) {
      RepositoryHygiene hygiene = repository.hygiene();
      wouldBreak.addMetric(List.of(repository.name()), hygiene.deleteUntaggedBrokenTags());
      addByKind(referrers, repository.name(), hygiene.deleteUntaggedReferrers());
    }
    families.addAll(List.of(wouldBreak, referrers));
  }

  static void addByKind(
      GaugeMetricFamily family, String repository, Map<ReferrerKind, Long> counts) {
    counts.forEach((kind, count) -> family.addMetric(List.of(repository, kind.label()), count));
  }
}
