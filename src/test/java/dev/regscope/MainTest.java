package dev.regscope;

import static dev.regscope.testing.PromText.series;
import static dev.regscope.testing.RegistryTree.child;
import static dev.regscope.testing.RegistryTree.image;
import static dev.regscope.testing.RegistryTree.imageWithConfig;
import static dev.regscope.testing.RegistryTree.ociImage;
import static dev.regscope.testing.RegistryTree.ociIndex;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regscope.testing.PromText;
import dev.regscope.testing.RegistryTree;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line: exit codes, the one-line refusal of a wrong path, and the three scan formats.
 */
@Timeout(120)
class MainTest {
  @TempDir Path dir;
  private Path storageRoot;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void buildRegistry() {
    storageRoot = dir.resolve("registry");
    RegistryTree tree = RegistryTree.at(storageRoot.resolve("docker/registry/v2"));
    tree.repo("small").tag("v1", image(tree.layer(1000)));
    tree.repo("big/app")
        .tag("v1", image(tree.layer(3 * 1024 * 1024), tree.layer(1024)))
        .tag(
            "multi",
            ociIndex(
                child("linux/amd64", ociImage(tree.layer(10))),
                child("linux/arm64", ociImage(tree.layer(20)))));
    tree.repo("big/app").tagLink("broken", "sha256:" + "0".repeat(64));
  }

  private int run(String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void aPathThatIsNotARegistryIsRefusedWithOneLineAndExitCode2() throws Exception {
    Path other = Files.createDirectories(dir.resolve("photos"));
    Files.writeString(other.resolve("cat.jpg"), "meow");

    assertThat(run("scan", other.toString())).isEqualTo(2);
    assertThat(err.toString().strip().lines())
        .hasSize(2)
        .first()
        .asString()
        .contains(other.toString())
        .contains("not a registry storage folder");
    assertThat(err.toString().strip().lines()).last().isEqualTo("see 'regscope scan --help'");

    assertThat(run("serve", "--port", "0", dir.resolve("missing").toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains(dir.resolve("missing").toString())
        .contains("not a directory");
  }

  @Test
  void everyAcceptedFormOfThePathGivesTheSameScan() {
    for (Path path : new Path[] {storageRoot, storageRoot.resolve("docker/registry/v2")}) {
      StringWriter text = new StringWriter();
      assertThat(
              Main.run(
                  new String[] {"scan", "--format", "prometheus", path.toString()},
                  new PrintWriter(text),
                  new PrintWriter(err)))
          .isEqualTo(0);
      assertThat(PromText.parse(text.toString()))
          .containsEntry(series("repository_tags_total", "repository", "big/app"), 3.0);
    }
  }

  @Test
  void tableIsSortedBySizeWithHumanUnits() {
    assertThat(run("scan", storageRoot.toString())).isEqualTo(0);

    String[] lines = out.toString().split("\n");
    assertThat(lines[0]).startsWith("REPOSITORY");
    assertThat(lines[1]).startsWith("big/app").contains("3.00 MiB");
    assertThat(lines[2]).startsWith("small").contains("1000 B");
    assertThat(out.toString()).contains("2 repositories, 4 tags (1 broken)");
  }

  @Test
  void jsonHoldsEveryTagBrokenTagAndProblem() throws Exception {
    assertThat(run("scan", "--format", "json", storageRoot.toString())).isEqualTo(0);

    JsonNode json = new ObjectMapper().readTree(out.toString());
    JsonNode app = json.get("repositories").get(0);
    assertThat(app.get("name").asText()).isEqualTo("big/app");
    assertThat(app.get("tags")).hasSize(2);
    JsonNode multi = app.get("tags").get(0);
    assertThat(multi.get("name").asText()).isEqualTo("multi");
    assertThat(multi.get("sizeBytes").asLong()).isEqualTo(30);
    assertThat(multi.get("platforms")).hasSize(2);
    assertThat(app.get("brokenTags").get(0).get("reason").asText()).isEqualTo("missing_blob");
    assertThat(json.get("problems").get(0).get("reason").asText()).isEqualTo("missing_blob");
    assertThat(json.get("scan").get("tags").asInt()).isEqualTo(4);
  }

  @Test
  void prometheusFormatIsTheMetricsText() {
    assertThat(
            run("scan", "--format", "prometheus", "--tag-metrics", "all", storageRoot.toString()))
        .isEqualTo(0);

    assertThat(PromText.parse(out.toString()))
        .containsEntry(
            series("repository_tag_size_bytes", "repository", "big/app", "tag", "v1"),
            3.0 * 1024 * 1024 + 1024)
        .containsEntry(
            series(
                "repository_tag_platform_size_bytes",
                "repository",
                "big/app",
                "tag",
                "multi",
                "platform",
                "linux/arm64"),
            20.0)
        .containsEntry(
            series("regscope_broken_tags", "repository", "big/app", "reason", "missing_blob"), 1.0);
  }

  @Test
  void reportReadsAsOneScreenAndAsJson() throws Exception {
    assertThat(run("report", storageRoot.toString())).isEqualTo(0);
    assertThat(out.toString())
        // The sample's image configs are declared only, never stored: those tags cannot be pulled.
        .contains("2 repositories, 4 tags (1 broken, 3 unpullable)")
        .contains("big/app:broken  missing_blob");

    StringWriter json = new StringWriter();
    assertThat(
            Main.run(
                new String[] {"report", "--format", "json", storageRoot.toString()},
                new PrintWriter(json),
                new PrintWriter(err)))
        .isEqualTo(0);
    assertThat(
            new ObjectMapper()
                .readTree(json.toString())
                .get("brokenTags")
                .get(0)
                .get("tag")
                .asText())
        .isEqualTo("broken");
  }

  /** A tree with one of each: every count the report prints reads "1 blob", not "1 blobs". */
  @Test
  void reportCountsOneInTheSingular() {
    Path root = dir.resolve("one");
    RegistryTree tree = RegistryTree.at(root.resolve("docker/registry/v2"));
    tree.repo("app").tag("v1", imageWithConfig(tree.config(10), tree.layer(1000)));
    tree.repo("app").push(imageWithConfig(tree.config(11), tree.layer(1001)));
    tree.layer(500); // referenced by no manifest
    String monthAgo = Instant.now().minus(Duration.ofDays(30)).toString();
    tree.upload("app", "5ee0c0f6-6d4b-4e3f-9d2f-1a2b3c4d5e6f", new byte[100], monthAgo);

    assertThat(run("report", root.toString())).as(err.toString()).isEqualTo(0);
    assertThat(out.toString())
        .startsWith(
            "1 repository, 1 tag (0 broken, 0 unpullable), 1 untagged manifest, 0 referrers,")
        .contains("500 B in 1 blob no manifest references")
        .contains("1 upload, 100 B, oldest 30 days")
        .doesNotContain(" 1 blobs")
        .doesNotContain(" 1 uploads")
        .doesNotContain(" 1 tags")
        .doesNotContain(" 1 repositories");

    out.getBuffer().setLength(0);
    assertThat(run("scan", root.toString())).isEqualTo(0);
    assertThat(out.toString()).contains("1 repository, 1 tag (0 broken), 2 manifests, 0 problems");
  }

  @Test
  void cardinalityOptionsShapeTheSeries() {
    assertThat(
            run(
                "scan",
                "--format",
                "prometheus",
                "--tag-metrics",
                "none",
                "--exclude-repository",
                "small",
                storageRoot.toString()))
        .isEqualTo(0);

    var m = PromText.parse(out.toString());
    assertThat(m.keySet())
        .noneMatch(k -> k.contains("tag=\""))
        .noneMatch(k -> k.contains("repository=\"small\""));
    assertThat(m).containsEntry(series("repository_tags_total", "repository", "big/app"), 3.0);
  }

  @Test
  void tagMetricsNameTheFamiliesAndDefaultToLayersAndSize() {
    assertThat(run("scan", "--format", "prometheus", storageRoot.toString())).isEqualTo(0);
    var defaults = PromText.parse(out.toString());
    assertThat(defaults)
        .containsEntry(
            series("repository_tag_layers_total", "repository", "big/app", "tag", "v1"), 2.0)
        .containsEntry(
            series("repository_tag_size_bytes", "repository", "small", "tag", "v1"), 1000.0);
    assertThat(defaults.keySet())
        .filteredOn(k -> k.contains("tag=\""))
        .allMatch(
            k ->
                k.startsWith("repository_tag_layers_total{")
                    || k.startsWith("repository_tag_size_bytes{")
                    // this tree holds no layer blobs: every tag is unpullable, and says so
                    || k.startsWith("repository_tag_unpullable{"));

    out.getBuffer().setLength(0);
    assertThat(
            run(
                "scan",
                "--format",
                "prometheus",
                "--tag-metrics",
                "info, pushed",
                storageRoot.toString()))
        .isEqualTo(0);
    var chosen = PromText.parse(out.toString());
    assertThat(chosen.keySet())
        .filteredOn(k -> k.contains("tag=\""))
        .isNotEmpty()
        .allMatch(
            k ->
                k.startsWith("repository_tag_info{")
                    || k.startsWith("repository_tag_pushed_timestamp_seconds{"));
    // 3 tags in big/app (one broken), 1 in small: each has an info series.
    assertThat(chosen.keySet().stream().filter(k -> k.startsWith("repository_tag_info{")))
        .hasSize(4);
  }

  @Test
  void anUnknownTagFamilyIsAUsageErrorNamingItAndTheAllowedNames() {
    assertThat(run("scan", "--tag-metrics", "layers,sizes", storageRoot.toString())).isEqualTo(2);
    assertThat(err.toString().lines().findFirst().orElseThrow())
        .contains("--tag-metrics")
        .contains("'sizes'")
        .contains("layers, size, platform, info, pushed, unpullable, pulled, all, none");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void badOptionsAreUsageErrors() {
    assertThat(run("scan", "--scan-threads", "0", storageRoot.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--scan-threads");
    assertThat(run("scan", "--include-tag", "(", storageRoot.toString())).isEqualTo(2);
    assertThat(run("serve", "--scan-interval", "soon", storageRoot.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("soon");
    assertThat(run("scan", "--format", "xml", storageRoot.toString())).isEqualTo(2);
  }
}
