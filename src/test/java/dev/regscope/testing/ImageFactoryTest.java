package dev.regscope.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** ImageFactory builds well-formed manifests, and the same seed builds the same digests. */
class ImageFactoryTest {
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void sameSeedBuildsSameDigests() {
    assertThat(index(new ImageFactory(new Random(42))).digest())
        .isEqualTo(index(new ImageFactory(new Random(42))).digest())
        .isNotEqualTo(index(new ImageFactory(new Random(43))).digest());
  }

  @Test
  void layersRangeFromAFewBytesToAFewHundredKilobytes() {
    ImageFactory images = new ImageFactory(new Random(1));
    for (int i = 0; i < 200; i++) {
      assertThat(images.layer().size())
          .isBetween((long) ImageFactory.MIN_LAYER_SIZE, (long) ImageFactory.MAX_LAYER_SIZE);
    }
  }

  @Test
  void dockerManifestDescribesConfigAndLayersInOrder() throws Exception {
    ImageFactory images = new ImageFactory(new Random(1));
    Blob a = images.layer(10);
    Blob b = images.layer(20);
    Image image = images.dockerImage(Platform.of("linux/amd64"), a, b, a);

    JsonNode manifest = json.readTree(image.manifest().bytes());

    assertThat(image.manifest().digest()).matches("sha256:[0-9a-f]{64}");
    assertThat(manifest.get("mediaType").asText()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    assertThat(manifest.at("/config/digest").asText()).isEqualTo(image.config().digest());
    assertThat(manifest.at("/config/mediaType").asText()).isEqualTo(MediaTypes.DOCKER_CONFIG);
    assertThat(manifest.get("layers"))
        .extracting(l -> l.get("digest").asText())
        .containsExactly(a.digest(), b.digest(), a.digest());
    assertThat(manifest.get("layers"))
        .extracting(l -> l.get("mediaType").asText())
        .containsOnly(MediaTypes.DOCKER_LAYER);
    assertThat(image.layerBytes()).isEqualTo(40);
  }

  @Test
  void attestationEntryIsUnknownPlatformAndNamesItsSubject() throws Exception {
    ImageFactory images = new ImageFactory(new Random(1));
    Image subject = images.ociImage(Platform.of("linux/arm64/v8"), images.layer(10));
    Index index = images.ociIndex(Index.Child.of(subject), images.attestationFor(subject));

    JsonNode entries = json.readTree(index.manifest().bytes()).get("manifests");

    assertThat(entries.get(0).at("/platform/variant").asText()).isEqualTo("v8");
    assertThat(entries.get(1).at("/platform/os").asText()).isEqualTo("unknown");
    assertThat(entries.get(1).at("/annotations/vnd.docker.reference.type").asText())
        .isEqualTo("attestation-manifest");
    assertThat(entries.get(1).at("/annotations/vnd.docker.reference.digest").asText())
        .isEqualTo(subject.digest());
  }

  private static Index index(ImageFactory images) {
    Image amd64 = images.ociImage(Platform.of("linux/amd64"), images.layer(), images.layer());
    Image arm = images.ociImage(Platform.of("linux/arm/v7"), images.layer());
    return images.ociIndex(
        Index.Child.of(amd64), Index.Child.of(arm), images.attestationFor(amd64));
  }
}
