package dev.regscope.scan.api;

import static dev.regscope.testing.PromText.series;
import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.metrics.Exposition;
import dev.regscope.model.ScanState;
import dev.regscope.model.Snapshot;
import dev.regscope.model.TagStats;
import dev.regscope.registry.ClientSettings;
import dev.regscope.registry.RegistryAddress;
import dev.regscope.testing.FaultProxy;
import dev.regscope.testing.Image;
import dev.regscope.testing.ImageFactory;
import dev.regscope.testing.Platform;
import dev.regscope.testing.PromText;
import dev.regscope.testing.RegistryClient;
import dev.regscope.testing.RegistryProcess;
import dev.regscope.testing.SampleRegistryScenario;
import dev.regscope.testing.Scans;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paging and politeness against registry 2.8 behind a proxy: tag lists paged two at a time (2.8
 * itself answers every tag in one page, so the proxy pages as other registries do) return every
 * tag; a registry answering 429 with Retry-After is waited out, not hammered.
 */
@Timeout(300)
class ApiPagingAndBackOffTest {
  @TempDir Path dir;

  @Test
  void tagListsPagedTwoAtATimeReturnAllThousandTags() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir);
        FaultProxy proxy = FaultProxy.start(registry.baseUri())) {
      RegistryClient client = registry.client();
      ImageFactory images = new ImageFactory(new Random(11));
      Image image = images.ociImage(Platform.of("linux/amd64"), images.layer(50));
      image.push(client, "many/tags", "t0000");
      List<String> tags =
          IntStream.range(0, 1000).mapToObj(i -> String.format("t%04d", i)).toList();
      // Tagged from a few threads at once: the registry takes concurrent tag PUTs of one manifest.
      tags.stream()
          .skip(1)
          .parallel()
          .forEach(tag -> client.putManifest("many/tags", tag, image.manifest()));
      proxy.pageTagLists();

      try (ApiScanner api =
          ApiScanner.create(
              RegistryAddress.parse(proxy.baseUri().toString()),
              ClientSettings.defaults(),
              ApiScanSettings.defaults().withRepositories(List.of("many/tags")).withPageSize(2),
              Scans.CLOCK,
              p -> {})) {
        Snapshot snapshot = api.scan();
        assertThat(snapshot.repositories().get(0).tags())
            .extracting(TagStats::name)
            .containsExactlyElementsOf(tags);
      }
      long pages =
          proxy.seen().stream().filter(s -> s.path().startsWith("/v2/many/tags/tags/list")).count();
      assertThat(pages).isEqualTo(500);
      assertThat(proxy.seen())
          .filteredOn(s -> s.path().startsWith("/v2/many/tags/tags/list"))
          .allMatch(s -> s.path().contains("n=2"));
    }
  }

  @Test
  void aRegistryAnswering429WithRetryAfterIsWaitedOutNotHammered() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir);
        FaultProxy proxy = FaultProxy.start(registry.baseUri())) {
      new SampleRegistryScenario().pushAll(registry.client());
      ApiScanSettings settings = ApiScanSettings.defaults();
      Snapshot unhindered;
      try (ApiScanner api = scanner(registry.baseUri().toString(), settings)) {
        unhindered = api.scan();
      }

      proxy.answerNext(3, 429, "1");
      try (ApiScanner api = scanner(proxy.baseUri().toString(), settings)) {
        Snapshot snapshot = api.scan();
        assertThat(snapshot.repositories()).isEqualTo(unhindered.repositories());
        Map<String, Double> metrics = metrics(api, snapshot);
        assertThat(metrics)
            .containsEntry(
                series("regscope_api_requests_total", "method", "GET", "code", "429"), 3.0)
            .containsEntry(series("regscope_api_errors_total", "reason", "rate_limited"), 0.0);
      }
      List<FaultProxy.Seen> seen = proxy.seen();
      // The catalog was asked four times: three 429s, each waited out for a second, then answered.
      assertThat(seen.subList(0, 4)).allMatch(s -> s.path().startsWith("/v2/_catalog"));
      for (int i = 1; i < 4; i++) {
        long gap = seen.get(i).arrivedNanos() - seen.get(i - 1).arrivedNanos();
        assertThat(gap).as("gap before request %d", i).isGreaterThanOrEqualTo(950_000_000L);
      }
    }
  }

  @Test
  void requestsInFlightStayWithinTheConcurrencyAndTheAnnouncedRateLimitIsExported()
      throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir);
        FaultProxy proxy = FaultProxy.start(registry.baseUri())) {
      new SampleRegistryScenario().pushAll(registry.client());
      proxy.delay(java.time.Duration.ofMillis(100));
      proxy.addHeader("ratelimit-remaining", "76;w=21600");
      try (ApiScanner api =
          scanner(proxy.baseUri().toString(), ApiScanSettings.defaults().withConcurrency(3))) {
        Snapshot snapshot = api.scan();
        assertThat(proxy.maxInFlight()).isBetween(2, 3);
        assertThat(metrics(api, snapshot))
            .containsEntry(series("regscope_api_rate_limit_remaining"), 76.0);
      }
    }
  }

  private static ApiScanner scanner(String url, ApiScanSettings settings) throws Exception {
    return ApiScanner.create(
        RegistryAddress.parse(url), ClientSettings.defaults(), settings, Scans.CLOCK, p -> {});
  }

  private static Map<String, Double> metrics(ApiScanner api, Snapshot snapshot) throws Exception {
    StringWriter text = new StringWriter();
    Exposition.write(ScanState.EMPTY.after(snapshot).withApi(api.apiHealth()), text);
    return PromText.parse(text.toString());
  }
}
