package dev.regscope.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regscope.testing.SampleRegistryScenario.DeletedManifest;
import dev.regscope.testing.SampleRegistryScenario.Pushed;
import dev.regscope.testing.SampleRegistryScenario.UnfinishedUpload;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness against the real registry: what {@link RegistryTruth} reads back is what the scenario
 * knows it pushed. The scenario is pushed once; the tests that use it only read.
 */
@Timeout(300)
class RealRegistryHarnessTest {

  @TempDir static Path scenarioDir;

  private static RegistryProcess registry;
  private static RegistryClient client;
  private static Pushed pushed;
  private static RegistryTruth truth;

  @BeforeAll
  static void pushScenario() {
    registry = RegistryProcess.start(scenarioDir);
    client = registry.client();
    pushed = new SampleRegistryScenario().pushAll(client);
    truth = RegistryTruth.read(client);
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void truthMatchesWhatTheScenarioPushed() {
    assertThat(truth).isEqualTo(pushed.expected());
    assertThat(truth.repositories()).containsOnlyKeys("base/alpine", "team/app", "team/app/api");
  }

  @Test
  void truthAgreesWithCountsKnownByHand() {
    TagTruth latest = truth.tag("base/alpine", "latest");
    assertThat(truth.tag("base/alpine", "3").digest()).isEqualTo(latest.digest());
    assertThat(truth.tag("base/alpine", "3.19").digest()).isEqualTo(latest.digest());
    assertThat(truth.tag("base/alpine", "edge").digest()).isNotEqualTo(latest.digest());
    assertThat(latest.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    assertThat(latest.layers()).isEqualTo(2);
    assertThat(latest.sizeBytes()).isGreaterThan(180_000);

    // The 3-byte layer is listed twice in team/app:v1 and counts twice.
    TagTruth v1 = truth.tag("team/app", "v1");
    assertThat(v1.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(v1.layers()).isEqualTo(5);
    assertThat(truth.tag("team/app", "next")).isEqualTo(v1);

    TagTruth api = truth.tag("team/app/api", "stable");
    assertThat(api.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
    assertThat(api.platforms())
        .extracting(PlatformTruth::platform)
        .containsExactly("linux/amd64", "linux/arm64/v8", "linux/arm/v7", "unknown/unknown");
    assertThat(api.layers()).isEqualTo(3 + 3 + 3 + 1);
    assertThat(api.sizeBytes())
        .isEqualTo(api.platforms().stream().mapToLong(PlatformTruth::sizeBytes).sum());

    TagTruth multiarch = truth.tag("base/alpine", "multiarch");
    assertThat(multiarch.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST_LIST);
    assertThat(multiarch.platforms())
        .extracting(PlatformTruth::platform)
        .containsExactly("linux/amd64", "linux/arm64/v8");
  }

  @Test
  void deletedManifestTakesItsTagsAlong() {
    assertThat(pushed.deleted()).isNotEmpty();
    for (DeletedManifest deleted : pushed.deleted()) {
      assertThat(client.tags(deleted.repo())).doesNotContainAnyElementsOf(deleted.removedTags());
      assertThatThrownBy(() -> client.getManifest(deleted.repo(), deleted.digest()))
          .isInstanceOfSatisfying(
              RegistryHttpException.class, e -> assertThat(e.status()).isEqualTo(404));
    }
  }

  @Test
  void unfinishedUploadsStayOnDiskAndOutOfTheCatalog() throws IOException {
    assertThat(client.catalog()).doesNotContainAnyElementsOf(pushed.untaggedRepos());
    Path repositories = registry.storageRoot().resolve("docker/registry/v2/repositories");
    assertThat(pushed.uploads()).hasSize(2);
    for (UnfinishedUpload upload : pushed.uploads()) {
      Path folder = repositories.resolve(upload.repo()).resolve("_uploads").resolve(upload.uuid());
      assertThat(folder.resolve("startedat")).isRegularFile();
      assertThat(Files.size(folder.resolve("data"))).isEqualTo(upload.bytes());
    }
  }

  @Test
  void nestedIndexIsSummedOverItsLeaves(@TempDir Path dir) {
    try (RegistryProcess nested = RegistryProcess.start(dir)) {
      RegistryClient nestedClient = nested.client();
      ImageFactory images = new ImageFactory(new Random(7));
      Blob shared = images.layer(5_000);
      Index inner =
          images.ociIndex(
              Index.Child.of(
                  images.ociImage(Platform.of("linux/amd64"), shared, images.layer(100))),
              Index.Child.of(
                  images.ociImage(Platform.of("linux/arm64/v8"), shared, images.layer(200))));
      Index outer =
          images.ociIndex(
              new Index.Child(inner, null, Map.of()),
              Index.Child.of(images.ociImage(Platform.of("linux/s390x"), images.layer(300))));
      outer.push(nestedClient, "nested/index", "all");

      TagTruth all = RegistryTruth.read(nestedClient).tag("nested/index", "all");

      assertThat(all).isEqualTo(ExpectedTruth.of(outer));
      assertThat(all.layers()).isEqualTo(5);
      assertThat(all.sizeBytes()).isEqualTo(5_000 + 100 + 5_000 + 200 + 300);
      assertThat(all.platforms())
          .extracting(PlatformTruth::platform)
          .containsExactly("linux/amd64", "linux/arm64/v8", "linux/s390x");
    }
  }

  @Test
  void extraYamlReachesTheRegistry(@TempDir Path dir) throws Exception {
    String extra = "http:\n  headers:\n    X-Regscope-Harness: [\"on\"]\n";
    try (RegistryProcess custom =
        RegistryProcess.start(RegistryProcess.binaryOrSkip(), dir, extra)) {
      HttpRequest ping = HttpRequest.newBuilder(custom.baseUri().resolve("/v2/")).GET().build();
      HttpResponse<Void> answer = HttpClient.newHttpClient().send(ping, BodyHandlers.discarding());
      assertThat(answer.headers().firstValue("X-Regscope-Harness")).contains("on");

      custom.client().pushBlob("probe/blob", Blob.of(MediaTypes.OCI_LAYER, new byte[] {1, 2, 3}));
      assertThat(custom.storageRoot().resolve("docker/registry/v2/repositories/probe/blob/_layers"))
          .isDirectory();
      assertThat(Files.readString(custom.configFile())).contains(custom.storageRoot().toString());
      // A repository with blobs but no tags is in the catalog, and 2.8 answers its tags list with
      // 404.
      assertThat(custom.client().catalog()).containsExactly("probe/blob");
      assertThat(custom.client().tags("probe/blob")).isEmpty();
    }
  }
}
