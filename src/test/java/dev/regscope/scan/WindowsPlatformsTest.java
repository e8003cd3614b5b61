package dev.regscope.scan;

import static dev.regscope.testing.PromText.series;
import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.metrics.SeriesFilter;
import dev.regscope.model.PlatformStats;
import dev.regscope.model.Snapshot;
import dev.regscope.model.TagStats;
import dev.regscope.testing.Blob;
import dev.regscope.testing.Image;
import dev.regscope.testing.ImageFactory;
import dev.regscope.testing.Index;
import dev.regscope.testing.Platform;
import dev.regscope.testing.PlatformTruth;
import dev.regscope.testing.PromText;
import dev.regscope.testing.RegistryProcess;
import dev.regscope.testing.RegistryTruth;
import dev.regscope.testing.Scans;
import dev.regscope.testing.TagTruth;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Windows manifest list on a real registry 2.8 (issue 10, point 9): one {@code windows/amd64}
 * child per OS build, telling apart only by {@code os.version}, each on a foreign base layer. Each
 * gets its own platform series, labelled {@code windows/amd64/<os.version>}, built from the index
 * entries the registry serves.
 */
@Timeout(120)
class WindowsPlatformsTest {
  static final String REPO = "win/servercore";

  @Test
  void eachOsBuildOfAWindowsListIsItsOwnPlatformSeries(@TempDir Path dir) {
    try (RegistryProcess registry =
        RegistryProcess.start(
            RegistryProcess.binaryOrSkip(),
            dir,
            "validation:\n  manifests:\n    urls:\n      allow: ['^https?://']\n")) {
      ImageFactory images = new ImageFactory(new Random(109));
      Blob base2019 = images.foreignLayer(3_000_000_000L);
      Blob base2022 = images.foreignLayer(2_000_000_000L);
      Image ltsc2019 = images.windowsImage("10.0.17763.5576", base2019, images.layer(700));
      Image ltsc2019Old = images.windowsImage("10.0.17763.4010", base2019, images.layer(600));
      Image ltsc2022 = images.windowsImage("10.0.20348.2340", base2022, images.layer(800));
      Image linux = images.dockerImage(Platform.of("linux/amd64"), images.layer(500));
      Index list = images.dockerManifestList(ltsc2019, ltsc2019Old, ltsc2022, linux);
      list.push(registry.client(), REPO, "ltsc");

      TagTruth truth = RegistryTruth.read(registry.client()).tag(REPO, "ltsc");
      Snapshot snapshot = Scans.scan(Scans.scanner(registry));
      TagStats tag = Scans.tag(snapshot, REPO, "ltsc");

      List<PlatformStats> expected =
          truth.platforms().stream()
              .map(p -> new PlatformStats(p.platform(), p.layers(), p.sizeBytes()))
              .sorted(java.util.Comparator.comparing(PlatformStats::platform))
              .toList();
      assertThat(tag.platforms()).isEqualTo(expected);
      assertThat(truth.platforms())
          .extracting(PlatformTruth::platform)
          .containsExactlyInAnyOrder(
              "windows/amd64/10.0.17763.5576",
              "windows/amd64/10.0.17763.4010",
              "windows/amd64/10.0.20348.2340",
              "linux/amd64");
      assertThat(tag.sizeBytes()).isEqualTo(truth.sizeBytes());
      assertThat(tag.platforms().stream().mapToLong(PlatformStats::sizeBytes).sum())
          .isEqualTo(tag.sizeBytes());

      Map<String, Double> metrics = PromText.of(snapshot, SeriesFilter.ALL);
      assertThat(metrics)
          .containsEntry(
              series(
                  "repository_tag_platform_size_bytes",
                  "repository",
                  REPO,
                  "tag",
                  "ltsc",
                  "platform",
                  "windows/amd64/10.0.17763.5576"),
              (double) ltsc2019.layerBytes())
          .containsEntry(
              series(
                  "repository_tag_platform_layers",
                  "repository",
                  REPO,
                  "tag",
                  "ltsc",
                  "platform",
                  "windows/amd64/10.0.20348.2340"),
              2.0);
    }
  }
}
