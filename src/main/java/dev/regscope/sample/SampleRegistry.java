package dev.regscope.sample;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regscope.manifest.MediaTypes;
import dev.regscope.storage.Digest;
import dev.regscope.storage.StorageLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes a synthetic registry v2 tree, laid out as registry 2.8 writes it: nested repositories, base layers
 * shared between images, multi-platform indexes with an attestation child, tags sharing a manifest, untagged
 * revisions, an unfinished upload and an orphan blob. Manifest digests are the real sha256 of their bytes.
 * It only ever writes into an empty or new folder.
 */
public final class SampleRegistry {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[][] PLATFORMS = {{"linux", "amd64", null}, {"linux", "arm64", "v8"}};

  /** What to generate; {@code layerBytes} bounds the size of each random layer. */
  public record Spec(int repositories, int tagsPerRepository, int layerBytes, long seed) {
    public static final Spec SMALL = new Spec(6, 4, 48 * 1024, 42);
  }

  private final StorageLayout layout;
  private final TreeWriter writer;
  private final Random random;
  private final Spec spec;
  private final List<Layer> baseLayers = new ArrayList<>();

  private record Layer(Digest digest, long size) {}

  private SampleRegistry(StorageLayout layout, Spec spec) {
    this.layout = layout;
    this.writer = new TreeWriter(layout);
    this.random = new Random(spec.seed());
    this.spec = spec;
  }

  /** Writes the tree under {@code target/docker/registry/v2}; refuses a folder that already holds anything. */
  public static void write(Path target, Spec spec) throws IOException {
    if (Files.exists(target)) {
      try (var entries = Files.list(target)) {
        if (entries.findAny().isPresent()) {
          throw new IOException("refusing to write a sample registry into non-empty folder " + target);
        }
      }
    }
    StorageLayout layout = StorageLayout.at(target.resolve("docker").resolve("registry").resolve("v2"));
    new SampleRegistry(layout, spec).generate();
  }

  private void generate() throws IOException {
    for (int i = 0; i < 3; i++) {
      baseLayers.add(newLayer());
    }
    for (int r = 0; r < spec.repositories(); r++) {
      String repository = repositoryName(r);
      Digest previous = null;
      for (int t = 0; t < spec.tagsPerRepository(); t++) {
        Digest manifest = t % 4 == 3 ? index(repository) : image(repository, t % 2 == 0
            ? MediaTypes.DOCKER_MANIFEST_V2 : MediaTypes.OCI_MANIFEST, null);
        writer.tag(repository, "v1." + t, manifest);
        previous = manifest;
      }
      if (previous != null) {
        writer.tag(repository, "latest", previous);
      }
      // An image pushed and then retagged away: an untagged revision, as a re-push leaves behind.
      image(repository, MediaTypes.DOCKER_MANIFEST_V2, null);
    }
    writer.upload(repositoryName(0), "6c0b2f4e-8a4e-4d1f-9e7a-0d2b6a3c9f10", "2026-11-01T10:00:00Z", new byte[512]);
    writer.blob(randomBytes(1024)); // an orphan blob: referenced by nothing
  }

  /** Names like {@code team-1/app-3}, with every third repository nested inside another one. */
  private static String repositoryName(int index) {
    String base = "team-" + (index / 3) + "/app-" + (index % 3);
    return index % 3 == 2 ? "team-" + (index / 3) + "/app-1/" + "worker" : base;
  }

  private Layer newLayer() throws IOException {
    byte[] bytes = randomBytes(1 + random.nextInt(spec.layerBytes()));
    return new Layer(writer.blob(bytes), bytes.length);
  }

  private byte[] randomBytes(int size) {
    byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    return bytes;
  }

  private Digest image(String repository, String mediaType, String[] platform) throws IOException {
    List<Layer> layers = new ArrayList<>();
    layers.add(baseLayers.get(random.nextInt(baseLayers.size())));
    int own = 1 + random.nextInt(3);
    for (int i = 0; i < own; i++) {
      layers.add(newLayer());
    }
    ObjectNode config = JSON.createObjectNode();
    config.put("architecture", platform == null ? "amd64" : platform[1]).put("os", "linux");
    config.putObject("config").putArray("Cmd").add("/bin/sh");
    byte[] configBytes = JSON.writeValueAsBytes(config);
    Digest configDigest = writer.blob(configBytes);
    writer.layerLink(repository, configDigest);

    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2).put("mediaType", mediaType);
    boolean docker = mediaType.equals(MediaTypes.DOCKER_MANIFEST_V2);
    manifest.set("config", descriptor(docker ? "application/vnd.docker.container.image.v1+json"
        : "application/vnd.oci.image.config.v1+json", configDigest, configBytes.length));
    ArrayNode layerArray = manifest.putArray("layers");
    for (Layer layer : layers) {
      writer.layerLink(repository, layer.digest());
      layerArray.add(descriptor(docker ? "application/vnd.docker.image.rootfs.diff.tar.gzip"
          : "application/vnd.oci.image.layer.v1.tar+gzip", layer.digest(), layer.size()));
    }
    return manifest(repository, manifest);
  }

  private Digest index(String repository) throws IOException {
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode children = index.putArray("manifests");
    for (String[] platform : PLATFORMS) {
      Digest child = image(repository, MediaTypes.OCI_MANIFEST, platform);
      ObjectNode entry = childDescriptor(child);
      ObjectNode p = entry.putObject("platform").put("architecture", platform[1]).put("os", platform[0]);
      if (platform[2] != null) {
        p.put("variant", platform[2]);
      }
      children.add(entry);
    }
    Digest attestation = image(repository, MediaTypes.OCI_MANIFEST, new String[] {"unknown", "unknown", null});
    ObjectNode entry = childDescriptor(attestation);
    entry.putObject("platform").put("architecture", "unknown").put("os", "unknown");
    entry.putObject("annotations").put("vnd.docker.reference.type", "attestation-manifest");
    children.add(entry);
    return manifest(repository, index);
  }

  private ObjectNode childDescriptor(Digest child) throws IOException {
    return descriptor(MediaTypes.OCI_MANIFEST, child, Files.size(layout.blobData(child)));
  }

  private Digest manifest(String repository, ObjectNode manifest) throws IOException {
    Digest digest = writer.blob(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
    writer.revisionLink(repository, digest);
    return digest;
  }

  private static ObjectNode descriptor(String mediaType, Digest digest, long size) {
    ObjectNode node = JSON.createObjectNode();
    node.put("mediaType", mediaType).put("digest", digest.toString()).put("size", size);
    return node;
  }
}
