package dev.regscope.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regscope.testing.Blob;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class SyntheticImageTest {
  private static byte[] read(SeededBlob blob, long offset, long length) throws Exception {
    try (InputStream in = blob.open(offset, length)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[7777]; // not a divisor of the block size
      int n;
      while ((n = in.read(buffer)) > 0) {
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    }
  }

  @Test
  void aSeededBlobReadsTheSameBytesFromAnyOffsetAndItsDigestIsTheirSha256() throws Exception {
    long size = 3 * SeededBlob.BLOCK + 123;
    SeededBlob blob = new SeededBlob(42, size);
    byte[] all = read(blob, 0, size);

    assertThat(all).hasSize((int) size);
    assertThat(blob.digest().toString()).isEqualTo(Blob.sha256(all));
    byte[] middle = read(blob, SeededBlob.BLOCK - 10, SeededBlob.BLOCK + 20);
    assertThat(middle)
        .isEqualTo(
            java.util.Arrays.copyOfRange(all, SeededBlob.BLOCK - 10, 2 * SeededBlob.BLOCK + 10));
    assertThat(new SeededBlob(42, size).digest()).isEqualTo(blob.digest());
    assertThat(new SeededBlob(43, size).digest()).isNotEqualTo(blob.digest());
  }

  @Test
  void anImageIsAnOciManifestOfItsConfigAndTwoLayersSharingTheSize() throws Exception {
    SyntheticImage image = SyntheticImage.create("push", 7, 1001);
    JsonNode manifest = new ObjectMapper().readTree(image.manifest());

    assertThat(manifest.path("mediaType").asText()).isEqualTo(SyntheticImage.MANIFEST_TYPE);
    assertThat(manifest.path("layers")).hasSize(2);
    assertThat(manifest.path("layers").get(0).path("size").asLong()).isEqualTo(501);
    assertThat(manifest.path("layers").get(1).path("size").asLong()).isEqualTo(500);
    assertThat(manifest.path("config").path("digest").asText())
        .isEqualTo(image.config().digest().toString());
    assertThat(image.digest().toString()).isEqualTo(Blob.sha256(image.manifest()));
    assertThat(image.layerBytes()).isEqualTo(1001);
    assertThat(SyntheticImage.create("push", 7, 1001).digest()).isEqualTo(image.digest());
    assertThat(SyntheticImage.create("push", 8, 1001).digest()).isNotEqualTo(image.digest());
  }

  @Test
  void nodeNamesBecomeTagCharacters() {
    assertThat(ProbeSettings.tagSafe("ip-10-0-0-1.ec2.internal"))
        .isEqualTo("ip-10-0-0-1.ec2.internal");
    assertThat(ProbeSettings.tagSafe("node a/b:c")).isEqualTo("node-a-b-c");
    assertThat(ProbeSettings.tagSafe("n".repeat(300))).hasSize(119);
    assertThat(("metadata-" + ProbeSettings.tagSafe("n".repeat(300))).length()).isEqualTo(128);
  }
}
