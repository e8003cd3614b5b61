package dev.regscope.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RegistryClient against a real registry configured for relative Location headers (as behind some
 * proxies), so uploads exercise the resolution of a relative Location that carries its own query.
 */
@Timeout(300)
class RegistryClientTest {

  @TempDir static Path dir;

  private static RegistryProcess registry;
  private static RegistryClient client;
  private final ImageFactory images = new ImageFactory(new Random(3));

  @BeforeAll
  static void start() {
    registry =
        RegistryProcess.start(RegistryProcess.binaryOrSkip(), dir, "http:\n  relativeurls: true\n");
    client = registry.client();
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void pushedBlobIsThereWithItsSize() {
    Blob layer = images.layer(1234);

    assertThat(client.pushBlob("client/push", layer)).isEqualTo(layer.digest());

    assertThat(client.hasBlob("client/push", layer.digest())).isTrue();
    assertThat(client.blobSize("client/push", layer.digest())).isEqualTo(1234);
    assertThat(client.hasBlob("client/elsewhere", layer.digest())).isFalse();
  }

  @Test
  void manifestComesBackByteForByteUnderItsMediaType() {
    Image image = images.ociImage(Platform.of("linux/amd64"), images.layer(10));

    image.push(client, "client/manifest", "v1");
    Blob fetched = client.getManifest("client/manifest", "v1");

    assertThat(fetched).isEqualTo(image.manifest());
    assertThat(fetched.bytes()).isEqualTo(image.manifest().bytes());
    assertThat(client.tags("client/manifest")).containsExactly("v1");
  }

  @Test
  void mountLinksAKnownBlobWithoutUploading() {
    Blob layer = images.layer(50);
    client.pushBlob("client/mount-source", layer);

    assertThat(client.mountBlob("client/mount-target", "client/mount-source", layer.digest()))
        .isTrue();
    assertThat(client.hasBlob("client/mount-target", layer.digest())).isTrue();
  }

  @Test
  void declinedMountCancelsTheUploadItOpened() throws IOException {
    String unknown = Blob.sha256(new byte[] {42});

    assertThat(client.mountBlob("client/declined", "client/nowhere", unknown)).isFalse();

    // 2.8 keeps the cancelled upload's folder with only hashstates/ in it: no data, no startedat.
    Path uploads =
        registry.storageRoot().resolve("docker/registry/v2/repositories/client/declined/_uploads");
    try (Stream<Path> files = Files.walk(uploads)) {
      assertThat(files.filter(Files::isRegularFile).map(Path::getFileName).map(Path::toString))
          .doesNotContain("data", "startedat");
    }
  }

  @Test
  void catalogFollowsPagination() {
    List<String> repos = List.of("client/page/a", "client/page/b", "client/page/c");
    repos.forEach(repo -> client.pushBlob(repo, images.layer(5)));

    assertThat(client.catalog(1))
        .containsAll(repos)
        .doesNotHaveDuplicates()
        .isEqualTo(client.catalog());
  }

  @Test
  void errorNamesMethodUrlStatusAndBody() {
    assertThatThrownBy(() -> client.getManifest("client/none", "missing"))
        .isInstanceOfSatisfying(
            RegistryHttpException.class,
            e -> {
              assertThat(e.method()).isEqualTo("GET");
              assertThat(e.status()).isEqualTo(404);
              assertThat(e.uri().getPath()).isEqualTo("/v2/client/none/manifests/missing");
            })
        .hasMessageContaining("GET ")
        .hasMessageContaining("/v2/client/none/manifests/missing")
        .hasMessageContaining("404")
        .hasMessageContaining("MANIFEST_UNKNOWN");
  }

  @Test
  void deleteByTagIsRefused() {
    Image image = images.dockerImage(Platform.of("linux/amd64"), images.layer(10));
    image.push(client, "client/delete", "doomed");

    assertThatThrownBy(() -> client.deleteManifest("client/delete", "doomed"))
        .isInstanceOfSatisfying(
            RegistryHttpException.class, e -> assertThat(e.status()).isEqualTo(400));
    client.deleteManifest("client/delete", image.digest());
    assertThat(client.tags("client/delete")).isEmpty();
  }
}
