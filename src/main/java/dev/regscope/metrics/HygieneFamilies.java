package dev.regscope.metrics;

import dev.regscope.core.Damage;
import dev.regscope.core.Digest;
import dev.regscope.model.Coverage;
import dev.regscope.model.RepositoryHygiene;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.Snapshot;
import dev.regscope.model.StoreHygiene;
import dev.regscope.model.UploadStats;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import io.prometheus.client.GaugeMetricFamily;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The storage-hygiene families of a snapshot: per-repository costs and damage, referrers, tag info,
 * uploads; the garbage-collection ones come from {@link GcFamilies}.
 */
final class HygieneFamilies {
  private static final List<String> REPO = List.of("repository");
  private static final List<String> TAG = List.of("repository", "tag");
  private static final List<String> TAG_INFO = List.of("repository", "tag", "digest", "media_type");

  private static final List<String> TAG_REASON = List.of("repository", "tag", "reason");

  private HygieneFamilies() {}

  /** One info sample per exported tag, readable or broken, in name order. */
  private static Stream<Sample> tagInfo(RepositoryStats repository, SeriesFilter filter) {
    Stream<Sample> readable =
        repository.tags().stream()
            .filter(tag -> filter.exports(TagFamily.INFO, tag.name()))
            .map(tag -> info(repository, tag.name(), tag.digest(), tag.mediaType()));
    Stream<Sample> broken =
        repository.brokenTags().stream()
            .filter(tag -> filter.exports(TagFamily.INFO, tag.name()))
            .map(tag -> info(repository, tag.name(), tag.digest(), tag.mediaType()));
    return Stream.concat(readable, broken);
  }

  private static Sample info(
      RepositoryStats repository, String tag, Digest digest, String mediaType) {
    return new Sample(
        "repository_tag_info",
        TAG_INFO,
        List.of(
            repository.name(),
            tag,
            digest == null ? "" : digest.toString(),
            mediaType == null ? "" : mediaType),
        1);
  }

  static void add(Snapshot snapshot, SeriesFilter filter, List<MetricFamilySamples> families) {
    Coverage coverage = snapshot.coverage();
    GcFamilies.add(snapshot, families);
    StoreHygiene store = snapshot.store();
    GaugeMetricFamily size =
        new GaugeMetricFamily(
            "repository_size_bytes",
            "Distinct blobs the repository's tags keep (manifests, index children, configs, layers), each "
                + "counted once.",
            REPO);
    GaugeMetricFamily exclusive =
        new GaugeMetricFamily(
            "repository_exclusive_size_bytes",
            "Blobs no other repository references: what deleting the repository and collecting garbage would free.",
            REPO);
    GaugeMetricFamily untagged =
        new GaugeMetricFamily(
            "repository_untagged_manifests",
            "Revisions no tag keeps, directly or as a child of a tagged index; referrers not included.",
            REPO);
    GaugeMetricFamily missing =
        new GaugeMetricFamily(
            "repository_missing_blobs",
            "Blobs a tag's image references that the blob store does not hold: the image cannot be pulled.",
            REPO);
    GaugeMetricFamily referrers =
        new GaugeMetricFamily(
            "repository_referrers",
            "Revisions that refer to another manifest (OCI 1.1 subject, or children of a sha256-<hex> tag): "
                + "signatures, SBOMs, attestations, by kind.",
            List.of("repository", "kind"));
    GaugeMetricFamily unpullable =
        new GaugeMetricFamily(
            "regscope_unpullable_tags",
            "Tags whose manifests the registry serves but whose image cannot be pulled: a config or layer is "
                + "missing from the blob store or not linked into the repository, by reason.",
            List.of("repository", "reason"));
    // Sums over every repository's marks hold only when every repository's links could be read.
    boolean storeWide = store.complete() && store.linksComplete();
    for (RepositoryStats repository : snapshot.repositories()) {
      List<String> labels = List.of(repository.name());
      RepositoryHygiene hygiene = repository.hygiene();
      if (hygiene.linksComplete()) {
        size.addMetric(labels, hygiene.sizeBytes());
        untagged.addMetric(labels, hygiene.untaggedManifests());
        GcFamilies.addByKind(referrers, repository.name(), hygiene.referrers());
      }
      if (storeWide) {
        exclusive.addMetric(labels, hygiene.exclusiveSizeBytes());
      }
      if (store.complete()) {
        missing.addMetric(labels, hygiene.missingBlobs());
      }
      Map<Damage, Integer> reasons = new TreeMap<>();
      hygiene.unpullableTags().forEach(tag -> reasons.merge(tag.reason(), 1, Integer::sum));
      reasons.forEach(
          (reason, count) ->
              unpullable.addMetric(List.of(repository.name(), reason.label()), count));
    }
    families.add(size);
    // What only the revisions and the blob store tell: absent where the source cannot see them.
    if (coverage.revisions()) {
      families.addAll(List.of(exclusive, untagged, referrers));
    }
    if (coverage.blobStore()) {
      families.addAll(
          List.of(
              missing,
              unpullable,
              TagSamples.perRepository(
                  "repository_tag_unpullable",
                  "Present (1) for each tag whose image cannot be pulled, with the reason.",
                  snapshot,
                  repository ->
                      repository.hygiene().unpullableTags().stream()
                          .filter(tag -> filter.exports(TagFamily.UNPULLABLE, tag.name()))
                          .map(
                              tag ->
                                  new Sample(
                                      "repository_tag_unpullable",
                                      TAG_REASON,
                                      List.of(repository.name(), tag.name(), tag.reason().label()),
                                      1)))));
    }
    families.addAll(
        List.of(
            TagSamples.family(
                TagFamily.PUSHED,
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
            TagSamples.perRepository(
                "repository_tag_info",
                "The manifest a tag names, as labels (empty where the link or the blob cannot be read), for"
                    + " every tag, broken ones included; the value is always 1.",
                snapshot,
                repository -> tagInfo(repository, filter))));

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
    if (!coverage.uploads()) {
      return;
    }
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
