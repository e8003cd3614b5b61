package dev.regscope.metrics;

import static dev.regscope.testing.PromText.series;
import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.core.Damage;
import dev.regscope.core.Digest;
import dev.regscope.model.BrokenTag;
import dev.regscope.model.PlatformStats;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.ScanState;
import dev.regscope.model.Snapshot;
import dev.regscope.model.TagStats;
import dev.regscope.testing.LogCapture;
import dev.regscope.testing.PromText;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The exposition rendered once per scan: the same text as a render per scrape, gzip included, and
 * filtered.
 */
class RenderedExpositionTest {
  private static final Digest DIGEST = new Digest("sha256", "ab".repeat(32));

  private static ScanState state(int tags) {
    List<TagStats> list = new ArrayList<>();
    for (int i = 0; i < tags; i++) {
      list.add(
          new TagStats(
              "v" + i,
              DIGEST,
              "application/vnd.oci.image.index.v1+json",
              3,
              1000L + i,
              List.of(
                  new PlatformStats("linux/amd64", 2, 600),
                  new PlatformStats("linux/arm64", 1, 400L + i))));
    }
    list.add(
        new TagStats(
            "latest",
            DIGEST,
            "application/vnd.docker.distribution.manifest.v2+json",
            1,
            7,
            List.of()));
    RepositoryStats repository =
        new RepositoryStats(
            "team/app", 12, list, List.of(new BrokenTag("gone", Damage.MISSING_BLOB)));
    return ScanState.EMPTY.after(
        new Snapshot(
            Instant.parse("2026-11-26T12:00:00Z"),
            Duration.ofSeconds(2),
            List.of(repository),
            List.of(),
            1));
  }

  private static String plain(RenderedExposition exposition) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    exposition.writePlain(out);
    assertThat((long) out.size()).isEqualTo(exposition.plainSize());
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String gunzip(RenderedExposition exposition) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    exposition.writeGzip(out);
    assertThat((long) out.size()).isEqualTo(exposition.gzipSize());
    return new String(
        new GZIPInputStream(new ByteArrayInputStream(out.toByteArray())).readAllBytes(),
        StandardCharsets.UTF_8);
  }

  @Test
  void plainAndGzipCarryExactlyTheTextOfARenderPerScrape() throws Exception {
    ScanState state = state(50);
    StringWriter expected = new StringWriter();
    Exposition.write(state, expected);

    RenderedExposition rendered = RenderedExposition.render(state, SeriesFilter.ALL);

    assertThat(plain(rendered)).isEqualTo(expected.toString());
    assertThat(gunzip(rendered)).isEqualTo(expected.toString());
    assertThat(rendered.gzipSize()).isLessThan(rendered.plainSize());
  }

  @Test
  void aLargeExpositionKeepsOnlyGzipAndStillAnswersPlainClients() throws Exception {
    ScanState state = state(40_000); // well over the 4 MiB kept as plain text
    RenderedExposition rendered = RenderedExposition.render(state, SeriesFilter.ALL);
    assertThat(rendered.plainSize()).isGreaterThan(RenderedExposition.KEEP_PLAIN_UP_TO);

    String text = plain(rendered);

    assertThat(text).isEqualTo(gunzip(rendered));
    assertThat(PromText.parse(text))
        .containsEntry(
            series("repository_tag_size_bytes", "repository", "team/app", "tag", "v39999"),
            40999.0);
  }

  @Test
  void tagFiltersDropTagSeriesButRepositorySeriesStayExact() throws Exception {
    SeriesFilter onlyLatest =
        new SeriesFilter(
            TagFamily.DEFAULT,
            Optional.of(Pattern.compile("latest|v1")),
            Optional.of(Pattern.compile("v1")));
    Map<String, Double> m = PromText.parse(plain(RenderedExposition.render(state(5), onlyLatest)));

    assertThat(m)
        .containsEntry(
            series("repository_tag_size_bytes", "repository", "team/app", "tag", "latest"), 7.0)
        .containsEntry(series("repository_tags_total", "repository", "team/app"), 7.0)
        .containsEntry(series("repository_revisions_total", "repository", "team/app"), 12.0)
        .containsEntry(
            series("regscope_broken_tags", "repository", "team/app", "reason", "missing_blob"),
            1.0);
    assertThat(m.keySet()).noneMatch(k -> k.contains("tag=\"v1\"") || k.contains("tag=\"v0\""));

    Map<String, Double> none =
        PromText.parse(
            plain(
                RenderedExposition.render(
                    state(5), new SeriesFilter(Set.of(), Optional.empty(), Optional.empty()))));
    assertThat(none.keySet()).noneMatch(k -> k.contains("tag=\""));
    assertThat(none).containsEntry(series("repository_tags_total", "repository", "team/app"), 7.0);
  }

  /** The tag-level series of the text, by metric name, as Prometheus would count them. */
  private static Map<String, Long> tagSeriesByName(String text) {
    Map<String, Long> byName = new java.util.TreeMap<>();
    PromText.parse(text).keySet().stream()
        .filter(k -> k.contains("tag=\""))
        .forEach(k -> byName.merge(k.substring(0, k.indexOf('{')), 1L, Long::sum));
    return byName;
  }

  @Test
  void tagMetricsExportOnlyTheFamiliesNamed() throws Exception {
    String defaults =
        plain(
            RenderedExposition.render(
                state(5), new SeriesFilter(TagFamily.DEFAULT, Optional.empty(), Optional.empty())));
    // 6 readable tags: layers and size each; no tag here is unpullable.
    assertThat(tagSeriesByName(defaults))
        .isEqualTo(Map.of("repository_tag_layers_total", 6L, "repository_tag_size_bytes", 6L));

    String chosen =
        plain(
            RenderedExposition.render(
                state(5),
                new SeriesFilter(
                    TagFamily.parse("info,platform"), Optional.empty(), Optional.empty())));
    // info: 6 readable tags and the broken one; platform: 5 index tags with 2 platforms each.
    assertThat(tagSeriesByName(chosen))
        .isEqualTo(
            Map.of(
                "repository_tag_info", 7L,
                "repository_tag_platform_layers", 10L,
                "repository_tag_platform_size_bytes", 10L));
    assertThat(PromText.parse(chosen))
        .containsEntry(series("repository_tags_total", "repository", "team/app"), 7.0);
  }

  @Test
  void theRenderingCountsTheTagSeriesItWrote() throws Exception {
    RenderedExposition rendered = RenderedExposition.render(state(50), SeriesFilter.ALL);
    Map<String, Long> inText = tagSeriesByName(plain(rendered));

    Map<TagFamily, Long> expected = new java.util.EnumMap<>(TagFamily.class);
    inText.forEach((name, n) -> expected.merge(TagFamily.of(name).orElseThrow(), n, Long::sum));
    assertThat(rendered.tagSeries()).containsAllEntriesOf(expected);
    assertThat(rendered.tagSeries().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(inText.values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(51 + 51 + 100 + 100 + 52);
  }

  @Test
  void passingTheBudgetWarnsOnceNamingTheCountTheFamiliesAndWhatToDo() {
    try (LogCapture log = LogCapture.start()) {
      ExpositionPublisher publisher =
          new ExpositionPublisher(SeriesFilter.ALL, new SeriesBudget(300));
      publisher.accept(state(10)); // 11 + 11 + 20 + 20 + 12 = 74 series: within
      assertThat(log.warnings()).noneMatch(l -> l.contains("tag-level series"));
      publisher.accept(state(50)); // 354 series
      publisher.accept(state(60));
      assertThat(log.warnings().stream().filter(l -> l.contains("tag-level series")))
          .singleElement()
          .asString()
          .contains("354")
          .contains("layers 51")
          .contains("platform 200")
          .contains("info 52")
          .contains("--tag-metrics layers,size")
          .contains("--tag-series-budget 300");
    }
    assertThat(new SeriesBudget(0).check(Map.of(TagFamily.LAYERS, 1L << 40))).isEmpty();
  }
}
