package dev.regscope.sample;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regscope.core.Digest;
import dev.regscope.manifest.MediaTypes;
import dev.regscope.storage.StorageLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes a synthetic registry v2 tree, laid out as registry 2.8 writes it, of any size: nested
 * repositories, base layers shared by every repository, images with several tags, multi-platform
 * indexes with an attestation child, an untagged revision per repository, unfinished uploads and
 * orphan blobs. Manifest and config digests are the real sha256 of their bytes. It only ever writes
 * into an empty or new folder.
 */
public final class SampleRegistry {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[][] PLATFORMS = {{"linux", "amd64", null}, {"linux", "arm64", "v8"}};
  private static final int BASE_LAYERS = 8;

  /**
   * What to generate.
   *
   * @param imagesPerRepository distinct tagged manifests per repository; tags are spread over them
   * @param indexEvery every n-th image of a repository is a multi-platform index (0: none)
   * @param layerBytes upper bound of a random layer's size
   * @param sparseLayers write layer blobs as sparse files of the right size (for huge trees)
   *     instead of bytes
   */
  public record Spec(
      int repositories,
      int tagsPerRepository,
      int imagesPerRepository,
      int indexEvery,
      int layerBytes,
      boolean sparseLayers,
      long seed) {
    /** The quick-start sample: a few repositories with real layer bytes. */
    public static final Spec SMALL = new Spec(6, 5, 3, 3, 48 * 1024, false, 42);

    /**
     * A benchmark tree of about {@code tags} tags: 50 tags over 16 manifests per repository, like
     * real ones.
     */
    public static Spec forTags(int tags, long seed) {
      return new Spec(
          Math.max(1, tags / 50), Math.min(50, tags), 16, 8, 32 * 1024 * 1024, true, seed);
    }

    public int tags() {
      return repositories * tagsPerRepository;
    }
  }

  private final TreeWriter writer;
  private final Random random;
  private final Spec spec;
  private final List<Layer> baseLayers = new ArrayList<>();

  private record Layer(Digest digest, long size) {}

  private SampleRegistry(StorageLayout layout, Spec spec, long seed) {
    this.writer = new TreeWriter(layout, spec.sparseLayers());
    this.random = new Random(seed);
    this.spec = spec;
  }

  /**
   * Writes the tree under {@code target/docker/registry/v2}; refuses a folder that already holds
   * anything.
   */
  public static void write(Path target, Spec spec) throws IOException {
    if (Files.exists(target)) {
      try (var entries = Files.list(target)) {
        if (entries.findAny().isPresent()) {
          throw new IOException(
              "refusing to write a sample registry into non-empty folder " + target);
        }
      }
    }
    new SampleRegistry(layout(target), spec, spec.seed()).generate();
  }

  /**
   * Re-pushes a share of the tags of a tree written by {@link #write} with the same spec: each
   * chosen tag gets a new image (one new layer on top of a base layer), as a CI pipeline re-pushing
   * {@code latest} does.
   *
   * @return how many tags were moved
   */
  public static int repush(Path target, Spec spec, double share, long seed) throws IOException {
    SampleRegistry registry = new SampleRegistry(layout(target), spec, seed);
    registry.baseLayersOnly();
    int moved = 0;
    for (int r = 0; r < spec.repositories(); r++) {
      for (int t = 0; t < spec.tagsPerRepository(); t++) {
        if (registry.random.nextDouble() < share) {
          String repository = repositoryName(r);
          registry.writer.tag(
              repository,
              tagName(t),
              registry.image(repository, MediaTypes.DOCKER_MANIFEST_V2, null));
          moved++;
        }
      }
    }
    return moved;
  }

  private static StorageLayout layout(Path target) {
    return StorageLayout.at(target.resolve("docker").resolve("registry").resolve("v2"));
  }

  private void baseLayersOnly() throws IOException {
    Random base = new Random(spec.seed());
    for (int i = 0; i < BASE_LAYERS; i++) {
      long size = 1 + base.nextInt(spec.layerBytes());
      baseLayers.add(new Layer(writer.layer(base, size), size));
    }
  }

  private void generate() throws IOException {
    baseLayersOnly();
    for (int r = 0; r < spec.repositories(); r++) {
      String repository = repositoryName(r);
      List<Digest> images = new ArrayList<>();
      for (int i = 0; i < spec.imagesPerRepository(); i++) {
        boolean index = spec.indexEvery() > 0 && i % spec.indexEvery() == spec.indexEvery() - 1;
        images.add(
            index
                ? index(repository)
                : image(
                    repository,
                    i % 2 == 0 ? MediaTypes.DOCKER_MANIFEST_V2 : MediaTypes.OCI_MANIFEST,
                    null));
      }
      for (int t = 0; t < spec.tagsPerRepository(); t++) {
        writer.tag(repository, tagName(t), images.get(t % images.size()));
      }
      // An image pushed and then retagged away: an untagged revision, as a re-push leaves behind.
      image(repository, MediaTypes.DOCKER_MANIFEST_V2, null);
      if (r % 100 == 0) {
        writer.upload(
            repository,
            String.format("6c0b2f4e-8a4e-4d1f-9e7a-%012d", r),
            "2026-11-01T10:00:00Z",
            new byte[512]);
        writer.blob(randomBytes(1024)); // an orphan blob: referenced by nothing
      }
    }
  }

  /**
   * {@code org-3/app-7}, and every other repository nested inside the one before it: {@code
   * org-3/app-7/worker}.
   */
  static String repositoryName(int index) {
    String base = "org-" + (index / 100) + "/app-" + (index % 100 / 2);
    return index % 2 != 0 ? base + "/worker" : base;
  }

  static String tagName(int index) {
    return index == 0 ? "latest" : "v1." + index;
  }

  private byte[] randomBytes(int size) {
    byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    return bytes;
  }

  private Layer newLayer() throws IOException {
    long size = 1 + random.nextInt(spec.layerBytes());
    return new Layer(writer.layer(random, size), size);
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
    config.put("created", "2026-11-" + (10 + random.nextInt(18)) + "T10:00:00Z");
    config.putObject("config").putArray("Cmd").add("/bin/app-" + random.nextLong());
    byte[] configBytes = JSON.writeValueAsBytes(config);
    Digest configDigest = writer.blob(configBytes);
    writer.layerLink(repository, configDigest);

    boolean docker = mediaType.equals(MediaTypes.DOCKER_MANIFEST_V2);
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2).put("mediaType", mediaType);
    manifest.set(
        "config",
        descriptor(
            docker
                ? "application/vnd.docker.container.image.v1+json"
                : "application/vnd.oci.image.config.v1+json",
            configDigest,
            configBytes.length));
    ArrayNode layerArray = manifest.putArray("layers");
    for (Layer layer : layers) {
      writer.layerLink(repository, layer.digest());
      layerArray.add(
          descriptor(
              docker
                  ? "application/vnd.docker.image.rootfs.diff.tar.gzip"
                  : "application/vnd.oci.image.layer.v1.tar+gzip",
              layer.digest(),
              layer.size()));
    }
    return manifest(repository, manifest).digest();
  }

  private Digest index(String repository) throws IOException {
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode children = index.putArray("manifests");
    for (String[] platform : PLATFORMS) {
      children.add(child(repository, platform, false));
    }
    children.add(child(repository, new String[] {"unknown", "unknown", null}, true));
    return manifest(repository, index).digest();
  }

  private ObjectNode child(String repository, String[] platform, boolean attestation)
      throws IOException {
    Digest digest = image(repository, MediaTypes.OCI_MANIFEST, platform);
    ObjectNode entry = descriptor(MediaTypes.OCI_MANIFEST, digest, writer.sizeOf(digest));
    ObjectNode p =
        entry.putObject("platform").put("architecture", platform[1]).put("os", platform[0]);
    if (platform[2] != null) {
      p.put("variant", platform[2]);
    }
    if (attestation) {
      entry.putObject("annotations").put("vnd.docker.reference.type", "attestation-manifest");
    }
    return entry;
  }

  private record Written(Digest digest) {}

  private Written manifest(String repository, ObjectNode manifest) throws IOException {
    Digest digest = writer.blob(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
    writer.revisionLink(repository, digest);
    return new Written(digest);
  }

  private static ObjectNode descriptor(String mediaType, Digest digest, long size) {
    ObjectNode node = JSON.createObjectNode();
    node.put("mediaType", mediaType).put("digest", digest.toString()).put("size", size);
    return node;
  }

  static UncheckedIOException unchecked(IOException e) {
    return new UncheckedIOException(e);
  }
}
