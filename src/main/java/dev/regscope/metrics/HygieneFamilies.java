package dev.regscope.metrics;

import dev.regscope.model.RepositoryHygiene;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.Snapshot;
import dev.regscope.model.StoreHygiene;
import dev.regscope.model.UploadStats;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.GaugeMetricFamily;
import java.util.List;
import java.util.stream.Stream;

/**
 * The storage-hygiene families of a snapshot: blob store, garbage collection, per-repository costs,
 * uploads.
 */
final class HygieneFamilies {
  private static final List<String> REPO = List.of("repository");
  private static final List<String> MODE = List.of("mode");
  private static final List<String> TAG = List.of("repository", "tag");
  private static final List<String> TAG_INFO = List.of("repository", "tag", "digest", "media_type");

  private HygieneFamilies() {}

  static void add(Snapshot snapshot, SeriesFilter filter, List<MetricFamilySamples> families) {
    StoreHygiene store = snapshot.store();
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
      blobs.addMetric(List.of("unreferenced"), store.unreferenced().blobs().size());
      bytes.addMetric(List.of("unreferenced"), store.unreferenced().bytes());
      blobs.addMetric(List.of("untagged"), store.untagged().blobs().size());
      bytes.addMetric(List.of("untagged"), store.untagged().bytes());
      families.add(blobs);
      families.add(bytes);
    }

    GaugeMetricFamily size =
        new GaugeMetricFamily(
            "repository_size_bytes",
            "Distinct blobs reachable from the repository's tags (manifests, configs, layers), each counted once.",
            REPO);
    GaugeMetricFamily exclusive =
        new GaugeMetricFamily(
            "repository_exclusive_size_bytes",
            "Blobs no other repository references: what deleting the repository and collecting garbage would free.",
            REPO);
    GaugeMetricFamily untagged =
        new GaugeMetricFamily(
            "repository_untagged_manifests",
            "Revisions no tag reaches, directly or as a child of a tagged index.",
            REPO);
    GaugeMetricFamily missing =
        new GaugeMetricFamily(
            "repository_missing_blobs",
            "Blobs a tag's image references that the blob store does not hold: the image cannot be pulled.",
            REPO);
    GaugeMetricFamily wouldBreak =
        new GaugeMetricFamily(
            "regscope_gc_delete_untagged_broken_tags",
            "Tags registry 2.8 garbage-collect --delete-untagged would break: multi-platform indexes whose children "
                + "carry no tag of their own (distribution#3178).",
            REPO);
    for (RepositoryStats repository : snapshot.repositories()) {
      List<String> labels = List.of(repository.name());
      RepositoryHygiene hygiene = repository.hygiene();
      size.addMetric(labels, hygiene.sizeBytes());
      exclusive.addMetric(labels, hygiene.exclusiveSizeBytes());
      untagged.addMetric(labels, hygiene.untaggedManifests());
      if (store.complete()) {
        missing.addMetric(labels, hygiene.missingBlobs());
      }
      wouldBreak.addMetric(labels, hygiene.deleteUntaggedBrokenTags());
    }
    families.addAll(
        List.of(
            size,
            exclusive,
            untagged,
            missing,
            wouldBreak,
            TagSamples.family(
                "repository_tag_pushed_timestamp_seconds",
                "Unix time the tag was pointed at its manifest (its link file's modification time).",
                snapshot,
                filter,
                (repository, tag) ->
                    tag.pushedAt() == null
                        ? Stream.empty()
                        : TagSamples.sample(
                            "repository_tag_pushed_timestamp_seconds",
                            TAG,
                            List.of(repository.name(), tag.name()),
                            tag.pushedAt().toEpochMilli() / 1e3)),
            TagSamples.family(
                "repository_tag_info",
                "The manifest a tag names, as labels; the value is always 1.",
                snapshot,
                filter,
                (repository, tag) ->
                    TagSamples.sample(
                        "repository_tag_info",
                        TAG_INFO,
                        List.of(
                            repository.name(),
                            tag.name(),
                            tag.digest().toString(),
                            tag.mediaType()),
                        1))));

    GaugeMetricFamily uploads =
        new GaugeMetricFamily(
            "repository_uploads_in_progress",
            "Uploads started and not finished (folders under _uploads).",
            REPO);
    GaugeMetricFamily uploadBytes =
        new GaugeMetricFamily(
            "repository_uploads_size_bytes",
            "Bytes received so far by the uploads in progress.",
            REPO);
    GaugeMetricFamily oldest =
        new GaugeMetricFamily(
            "repository_upload_oldest_age_seconds",
            "Age of the oldest upload in progress at the last scan, from its startedat file. The registry purges "
                + "uploads older than a week by default; older ones mean purging is off.",
            REPO);
    for (UploadStats upload : snapshot.uploads()) {
      List<String> labels = List.of(upload.repository());
      uploads.addMetric(labels, upload.count());
      uploadBytes.addMetric(labels, upload.bytes());
      if (upload.oldestStartedAt() != null) {
        oldest.addMetric(
            labels,
            Math.max(
                    0,
                    snapshot.finishedAt().toEpochMilli() - upload.oldestStartedAt().toEpochMilli())
                / 1e3);
      }
    }
    families.addAll(List.of(uploads, uploadBytes, oldest));
  }
}
