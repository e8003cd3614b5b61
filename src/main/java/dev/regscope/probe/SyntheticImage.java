package dev.regscope.probe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regscope.core.Digest;
import dev.regscope.registry.BlobContent;
import dev.regscope.registry.ContentDigest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An image the probes push: an OCI image manifest with a small config and two random layers that
 * share {@code size} between them. The same seed gives the same bytes, hence the same digests: the
 * {@code :pull} image of a target is the same whenever it has to be pushed again.
 */
record SyntheticImage(
    String purpose, List<SeededBlob> layers, BlobContent config, byte[] manifest, Digest digest) {
  static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
  static final String CONFIG_TYPE = "application/vnd.regscope.probe.config.v1+json";
  static final String LAYER_TYPE = "application/vnd.regscope.probe.layer.v1";
  static final String ANNOTATION = "dev.regscope.probe";

  private static final ObjectMapper JSON = new ObjectMapper();

  SyntheticImage {
    layers = List.copyOf(layers);
  }

  /** Two layers, the first holding the odd byte; a size below 2 still makes two (empty) layers. */
  static SyntheticImage create(String purpose, long seed, long size) {
    List<SeededBlob> layers =
        List.of(new SeededBlob(seed, size - size / 2), new SeededBlob(~seed, size / 2));
    ObjectNode config = JSON.createObjectNode().put(ANNOTATION, purpose).put("seed", seed);
    BlobContent configBlob = BlobContent.of(bytes(config));
    ObjectNode manifest =
        JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MANIFEST_TYPE);
    manifest.set("config", descriptor(CONFIG_TYPE, configBlob));
    ArrayNode layerArray = manifest.putArray("layers");
    layers.forEach(layer -> layerArray.add(descriptor(LAYER_TYPE, layer)));
    manifest.putObject("annotations").put(ANNOTATION, purpose);
    byte[] manifestBytes = bytes(manifest);
    return new SyntheticImage(
        purpose, layers, configBlob, manifestBytes, ContentDigest.sha256(manifestBytes));
  }

  /** Every blob the manifest references, config first. */
  List<BlobContent> blobs() {
    List<BlobContent> all = new ArrayList<>();
    all.add(config);
    all.addAll(layers);
    return all;
  }

  long layerBytes() {
    return layers.stream().mapToLong(SeededBlob::size).sum();
  }

  /** What pushing it sends: every blob and the manifest. */
  long bytes() {
    return blobs().stream().mapToLong(BlobContent::size).sum() + manifest.length;
  }

  private static ObjectNode descriptor(String mediaType, BlobContent blob) {
    return JSON.createObjectNode()
        .put("mediaType", mediaType)
        .put("digest", blob.digest().toString())
        .put("size", blob.size());
  }

  private static byte[] bytes(ObjectNode node) {
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }
}
