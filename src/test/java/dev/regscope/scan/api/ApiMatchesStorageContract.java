package dev.regscope.scan.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.metrics.Exposition;
import dev.regscope.model.PlatformStats;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.ScanState;
import dev.regscope.model.Snapshot;
import dev.regscope.model.TagStats;
import dev.regscope.registry.ClientSettings;
import dev.regscope.registry.RegistryAddress;
import dev.regscope.scan.Scanner;
import dev.regscope.storage.NioTreeReader;
import dev.regscope.storage.StorageLayout;
import dev.regscope.testing.AccessLog;
import dev.regscope.testing.AccessLog.Entry;
import dev.regscope.testing.ApiScenario;
import dev.regscope.testing.PlatformTruth;
import dev.regscope.testing.PromText;
import dev.regscope.testing.RegistryProcess;
import dev.regscope.testing.RegistryTruth;
import dev.regscope.testing.RequestPlan;
import dev.regscope.testing.Scans;
import dev.regscope.testing.Skopeo;
import dev.regscope.testing.TagTruth;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API source against the storage source on the same real registry 2.8, in one auth setup (the
 * subclasses): every manifest kind is pushed over plain HTTP, then the registry is started again on
 * the same storage with this setup's auth or TLS. The API source's exposition must equal the
 * storage scan's series for series (but for the families only storage can show), its tags must
 * equal what the registry answers, and the registry's access log must show the fewest requests.
 */
@Timeout(300)
abstract class ApiMatchesStorageContract {
  static final String USER = "scanner";
  static final String PASSWORD = "s3cret";
  static final int PAGE = 3;

  /** Families only the storage tree can show; the API source must leave them out. */
  static final Set<String> STORAGE_ONLY =
      Set.of(
          "repository_revisions_total",
          "regscope_blobs",
          "regscope_blobs_size_bytes",
          "regscope_gc_reclaimable_blobs",
          "regscope_gc_reclaimable_bytes",
          "regscope_gc_preview_withheld",
          "regscope_gc_delete_untagged_broken_tags",
          "regscope_gc_delete_untagged_referrers",
          "repository_exclusive_size_bytes",
          "repository_untagged_manifests",
          "repository_referrers",
          "repository_missing_blobs",
          "regscope_unpullable_tags",
          "repository_tag_unpullable",
          "repository_tag_pushed_timestamp_seconds",
          "repository_uploads_in_progress",
          "repository_uploads_size_bytes",
          "repository_upload_oldest_age_seconds");

  /** Of those, the ones this scenario gives samples on storage (the others may be empty). */
  static final Set<String> STORAGE_ONLY_PRESENT =
      Set.of(
          "repository_revisions_total",
          "regscope_blobs",
          "regscope_blobs_size_bytes",
          "regscope_gc_reclaimable_blobs",
          "regscope_gc_reclaimable_bytes",
          "regscope_gc_delete_untagged_broken_tags",
          "repository_exclusive_size_bytes",
          "repository_untagged_manifests",
          "repository_missing_blobs",
          "repository_tag_pushed_timestamp_seconds",
          "repository_uploads_in_progress",
          "repository_uploads_size_bytes",
          "repository_upload_oldest_age_seconds");

  /** Families that differ between any two scans (time), or by source (what the scan read). */
  static final Set<String> PER_SCAN =
      Set.of(
          "regscope_scan_duration_seconds",
          "regscope_scan_last_success_timestamp_seconds",
          "regscope_scan_manifests");

  @TempDir Path dir;

  /** This setup's registry config, merged after schema1's. */
  abstract String registryYaml(Path dir);

  /** Client settings carrying this setup's credentials and trust. */
  abstract ClientSettings access(Path dir);

  /** Requests the registry answers 401 before the client knows the challenge. */
  abstract int challenges();

  /** What this setup checks after both scans (the token issuer's counts). */
  void afterScans(List<String> repositories) {}

  /** Starts what this setup needs beside the registry (a token issuer). */
  void startHelpers(Path dir) {}

  void stopHelpers() {}

  @Test
  void theApiSourceEqualsTheStorageSourceWithTheFewestRequests() throws Exception {
    Path work = Files.createDirectories(dir.resolve("work"));
    RegistryTruth truth;
    RequestPlan plan;
    try (RegistryProcess plain =
        RegistryProcess.start(RegistryProcess.binaryOrSkip(), dir, Skopeo.REGISTRY_YAML)) {
      ApiScenario.pushAll(plain, work);
      truth = RegistryTruth.read(plain.client());
      plan = RequestPlan.of(plain.client(), PAGE);
    }
    startHelpers(dir);
    try (RegistryProcess registry =
        RegistryProcess.start(
            RegistryProcess.binaryOrSkip(), dir, Skopeo.REGISTRY_YAML + registryYaml(dir))) {
      AccessLog log = new AccessLog(registry.logFile()).mark();
      List<String> logged = new ArrayList<>();
      try (ApiScanner api =
          ApiScanner.create(
              RegistryAddress.parse(registry.baseUri().toString()),
              access(dir),
              ApiScanSettings.defaults().withPageSize(PAGE),
              Scans.CLOCK,
              problem -> logged.add(problem.toString()))) {
        Snapshot first = api.scan();
        List<Entry> firstRequests = log.entries("regscope");
        Snapshot storage =
            new Scanner(
                    StorageLayout.locate(registry.storageRoot()),
                    new NioTreeReader(),
                    Scans.CLOCK,
                    p -> {})
                .scan();

        assertThat(first.problems()).isEmpty();
        assertThat(logged).isEmpty();
        assertSameSeries(api, first, storage, plan.tags());
        assertTagsAsTheRegistryAnswers(first, truth);
        assertThat(first.manifests()).isEqualTo(plan.manifests().size());

        assertThat(byRoute(firstRequests, e -> e.status() != 401))
            .as("first scan")
            .isEqualTo(
                expected(
                    plan.catalogPages(),
                    plan.repositories(),
                    plan.tags(),
                    plan.manifests().size(),
                    plan.schema1Layers().size()));
        assertThat(AccessLog.count(firstRequests, e -> e.status() == 401)).isEqualTo(challenges());

        log.mark();
        Snapshot second = api.scan();
        List<Entry> secondRequests = log.entries("regscope");
        assertThat(byRoute(secondRequests, e -> true))
            .as("second scan, nothing changed: no manifest GET, no blob HEAD")
            .isEqualTo(expected(plan.catalogPages(), plan.repositories(), plan.tags(), 0, 0));
        assertThat(second.repositories()).isEqualTo(first.repositories());
        afterScans(truth.repositories().keySet().stream().toList());
      }
    } finally {
      stopHelpers();
    }
  }

  /** Requests by kind: what the log holds, or what the plan says it should. */
  private static Map<String, Long> byRoute(List<Entry> entries, Predicate<Entry> which) {
    Map<String, Long> counts = new TreeMap<>();
    for (Entry entry : entries) {
      if (which.test(entry)) {
        counts.merge(kind(entry), 1L, Long::sum);
      }
    }
    return counts;
  }

  private static String kind(Entry entry) {
    if (entry.isCatalog()) {
      return entry.method() + " catalog";
    }
    if (entry.isTagList()) {
      return entry.method() + " tags/list";
    }
    if (entry.isManifest()) {
      return entry.method() + " manifest";
    }
    if (entry.isBlob()) {
      return entry.method() + " blob";
    }
    return entry.method() + " " + entry.route();
  }

  private static Map<String, Long> expected(
      int catalogPages, int repositories, int tags, int manifests, int schema1Layers) {
    Map<String, Long> counts = new TreeMap<>();
    counts.put("GET catalog", (long) catalogPages);
    counts.put("GET tags/list", (long) repositories);
    counts.put("HEAD manifest", (long) tags);
    if (manifests > 0) {
      counts.put("GET manifest", (long) manifests);
    }
    if (schema1Layers > 0) {
      counts.put("HEAD blob", (long) schema1Layers);
    }
    return counts;
  }

  private static void assertSameSeries(
      ApiScanner api, Snapshot viaApi, Snapshot viaStorage, int tags) throws Exception {
    Map<String, Double> fromApi = series(ScanState.EMPTY.after(viaApi).withApi(api.apiHealth()));
    Map<String, Double> fromStorage = series(ScanState.EMPTY.after(viaStorage));
    assertThat(families(fromStorage)).containsAll(STORAGE_ONLY_PRESENT);
    assertThat(families(fromApi)).doesNotContainAnyElementsOf(STORAGE_ONLY);
    assertThat(families(fromApi))
        .contains("regscope_api_requests_total", "regscope_api_errors_total");

    Map<String, Double> comparable = new TreeMap<>(fromApi);
    comparable
        .keySet()
        .removeIf(s -> s.startsWith("regscope_api_") || PER_SCAN.contains(family(s)));
    Map<String, Double> expected = new TreeMap<>(fromStorage);
    expected
        .keySet()
        .removeIf(s -> STORAGE_ONLY.contains(family(s)) || PER_SCAN.contains(family(s)));
    assertThat(comparable).containsExactlyInAnyOrderEntriesOf(expected);
    assertThat(comparable.keySet().stream().filter(s -> s.startsWith("repository_tag_info")))
        .hasSize(tags);
  }

  private static void assertTagsAsTheRegistryAnswers(Snapshot snapshot, RegistryTruth truth) {
    Map<String, Map<String, TagTruth>> expected = truth.repositories();
    assertThat(snapshot.repositories())
        .extracting(RepositoryStats::name)
        .containsExactlyElementsOf(expected.keySet());
    for (RepositoryStats repository : snapshot.repositories()) {
      assertThat(repository.brokenTags()).as(repository.name()).isEmpty();
      Map<String, TagTruth> tags = expected.get(repository.name());
      assertThat(repository.tags())
          .extracting(TagStats::name)
          .containsExactlyInAnyOrderElementsOf(tags.keySet());
      for (TagStats tag : repository.tags()) {
        TagTruth want = tags.get(tag.name());
        String where = repository.name() + ":" + tag.name();
        assertThat(tag.digest().toString()).as(where).isEqualTo(want.digest());
        assertThat(tag.mediaType()).as(where).isEqualTo(want.mediaType());
        assertThat(tag.layers()).as(where + " layers").isEqualTo(want.layers());
        assertThat(tag.sizeBytes()).as(where + " size").isEqualTo(want.sizeBytes());
        assertThat(tag.platforms()).as(where + " platforms").isEqualTo(byPlatform(want));
      }
    }
  }

  /** The registry's answer per child, summed per platform as the metric contract says. */
  private static List<PlatformStats> byPlatform(TagTruth tag) {
    if (!tag.mediaType().contains("index") && !tag.mediaType().contains("list")) {
      return List.of();
    }
    Map<String, long[]> sums = new TreeMap<>();
    for (PlatformTruth child : tag.platforms()) {
      long[] sum = sums.computeIfAbsent(child.platform(), p -> new long[2]);
      sum[0] += child.layers();
      sum[1] += child.sizeBytes();
    }
    List<PlatformStats> platforms = new ArrayList<>();
    sums.forEach((platform, sum) -> platforms.add(new PlatformStats(platform, sum[0], sum[1])));
    return platforms;
  }

  private static Map<String, Double> series(ScanState state) throws Exception {
    StringWriter text = new StringWriter();
    Exposition.write(state, text);
    return PromText.parse(text.toString());
  }

  private static Set<String> families(Map<String, Double> series) {
    return series.keySet().stream()
        .map(ApiMatchesStorageContract::family)
        .collect(Collectors.toSet());
  }

  private static String family(String series) {
    int brace = series.indexOf('{');
    return brace < 0 ? series : series.substring(0, brace);
  }
}
