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
            true, Optional.of(Pattern.compile("latest|v1")), Optional.of(Pattern.compile("v1")));
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
                    state(5), new SeriesFilter(false, Optional.empty(), Optional.empty()))));
    assertThat(none.keySet()).noneMatch(k -> k.contains("tag=\""));
    assertThat(none).containsEntry(series("repository_tags_total", "repository", "team/app"), 7.0);
  }
}
