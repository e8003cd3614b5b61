package dev.regscope.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.hash.Hashing;
import dev.regscope.core.Digest;
import dev.regscope.storage.StorageLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds registry v2 trees for tests, on Jimfs or a real folder, so a test reads like its scenario:
 * {@code RegistryTree.at(root).repo("a/b").tag("v1", image(layer(100), layer(200)))}.
 *
 * <p>Manifest JSON is written here with Jackson's tree model, independently of regscope's parser;
 * manifest digests are the real sha256 of the bytes written. Expected numbers in tests come from
 * the sizes the test passes in, never from regscope.
 */
public final class RegistryTree {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicLong FAKE_DIGESTS = new AtomicLong(1);

  public static final String DOCKER_V2 = "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

  private final Path root;

  private RegistryTree(Path root) {
    this.root = root;
  }

  /** A tree whose v2 folder (holding {@code repositories/} and {@code blobs/}) is {@code root}. */
  public static RegistryTree at(Path root) {
    try {
      Files.createDirectories(root.resolve("repositories"));
      Files.createDirectories(root.resolve("blobs"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new RegistryTree(root);
  }

  public Path root() {
    return root;
  }

  public StorageLayout layout() {
    return StorageLayout.at(root);
  }

  public Repo repo(String name) {
    return new Repo(name);
  }

  /**
   * An upload in progress, {@code repositories/<repository>/_uploads/<uuid>/}, with {@code data}
   * and {@code startedat} (either left out where null) and the {@code hashstates/} the registry
   * keeps. Makes no {@code _layers} or {@code _manifests}: a folder holding only uploads is not a
   * repository yet.
   */
  public Path upload(String repository, String uuid, byte[] data, String startedAt) {
    Path dir = root.resolve("repositories").resolve(repository).resolve("_uploads").resolve(uuid);
    if (data != null) {
      write(dir.resolve("data"), data);
    }
    if (startedAt != null) {
      write(dir.resolve("startedat"), startedAt.getBytes(StandardCharsets.US_ASCII));
    }
    write(
        dir.resolve("hashstates/sha256").resolve(String.valueOf(data == null ? 0 : data.length)),
        new byte[8]);
    return dir;
  }

  // ---- blobs
  // ---------------------------------------------------------------------------------------------

  /** A blob reference: a digest and the size a manifest declares for it. */
  public record Blob(Digest digest, long size) {}

  /** A layer of the given size whose data file exists with exactly that many bytes. */
  public Blob layer(long size) {
    Blob blob = new Blob(fakeDigest(), size);
    writeBlobData(blob.digest(), new byte[(int) size]);
    return blob;
  }

  /**
   * An image config of the given size whose data file exists, for {@link #imageWithConfig}: the
   * configs of {@link #image} are declared only, so a test counting every blob of the store writes
   * them with this.
   */
  public Blob config(long size) {
    return layer(size);
  }

  /** A layer that a manifest declares but that is absent from the blob store. */
  public static Blob absentLayer(long size) {
    return new Blob(fakeDigest(), size);
  }

  private static Digest fakeDigest() {
    return new Digest("sha256", String.format("%064x", FAKE_DIGESTS.getAndIncrement()));
  }

  /** Writes raw bytes as a blob under their real sha256 and returns the digest. */
  public Digest blob(byte[] bytes) {
    Digest digest = new Digest("sha256", Hashing.sha256().hashBytes(bytes).toString());
    writeBlobData(digest, bytes);
    return digest;
  }

  /** Stores bytes under a digest that is not their hash, as only a damaged or hostile tree does. */
  public Path putBlob(Digest digest, byte[] bytes) {
    writeBlobData(digest, bytes);
    return blobData(digest);
  }

  public Path blobData(Digest digest) {
    return layout().blobData(digest);
  }

  private void writeBlobData(Digest digest, byte[] bytes) {
    write(layout().blobData(digest), bytes);
  }

  // ---- manifests
  // -----------------------------------------------------------------------------------------

  /** Manifest bytes plus how a parent index refers to them. */
  public record Manifest(byte[] bytes, String mediaType, List<Child> children) {
    public Manifest(byte[] bytes, String mediaType) {
      this(bytes, mediaType, List.of());
    }

    public Digest digest() {
      return new Digest("sha256", Hashing.sha256().hashBytes(bytes).toString());
    }
  }

  /**
   * An index entry: a child manifest and an optional platform ({@code os/arch[/variant]} or null).
   */
  public record Child(Manifest manifest, String platform, boolean attestation) {}

  public static Child child(String platform, Manifest manifest) {
    return new Child(manifest, platform, false);
  }

  public static Child attestation(Manifest manifest) {
    return new Child(manifest, "unknown/unknown", true);
  }

  /**
   * A Docker schema2 image manifest with a config blob of 1234 bytes (not a layer) and the given
   * layers.
   */
  public static Manifest image(Blob... layers) {
    return imageOf(DOCKER_V2, "application/vnd.docker.image.rootfs.diff.tar.gzip", layers);
  }

  /**
   * A Docker schema2 image manifest with the given config (declared with its own size) and layers.
   */
  public static Manifest imageWithConfig(Blob config, Blob... layers) {
    return new Manifest(
        bytes(
            imageNode(
                DOCKER_V2, config, "application/vnd.docker.image.rootfs.diff.tar.gzip", layers)),
        DOCKER_V2);
  }

  /** An OCI image manifest with the given config and layers. */
  public static Manifest ociImageWithConfig(Blob config, Blob... layers) {
    return new Manifest(
        bytes(
            imageNode(OCI_MANIFEST, config, "application/vnd.oci.image.layer.v1.tar+gzip", layers)),
        OCI_MANIFEST);
  }

  /**
   * A Docker schema2 image whose first layer is foreign (a Windows base layer: declared with its
   * size and a URL, fetched from there, so the store need not hold it).
   */
  public static Manifest imageWithForeignBase(Blob config, Blob foreign, Blob... layers) {
    ObjectNode node =
        imageNode(DOCKER_V2, config, "application/vnd.docker.image.rootfs.diff.tar.gzip", layers);
    ObjectNode base =
        descriptor(
            "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
            foreign.digest(),
            foreign.size());
    base.putArray("urls").add("https://mcr.microsoft.com/v2/blobs/" + foreign.digest());
    ((ArrayNode) node.get("layers")).insert(0, base);
    return new Manifest(bytes(node), DOCKER_V2);
  }

  /**
   * An OCI 1.1 referrer of {@code subject}: {@code artifactType}, the given config and one layer,
   * and a {@code subject} descriptor.
   */
  public static Manifest referrer(Manifest subject, String artifactType, Blob config, Blob layer) {
    ObjectNode node =
        imageNode(OCI_MANIFEST, config, artifactType, layer).put("artifactType", artifactType);
    node.set("subject", descriptor(subject.mediaType(), subject.digest(), subject.bytes().length));
    return new Manifest(bytes(node), OCI_MANIFEST);
  }

  /** An OCI image manifest. */
  public static Manifest ociImage(Blob... layers) {
    return imageOf(OCI_MANIFEST, "application/vnd.oci.image.layer.v1.tar+gzip", layers);
  }

  /** An OCI image manifest without the optional {@code mediaType} field. */
  public static Manifest ociImageWithoutMediaType(Blob... layers) {
    ObjectNode node =
        imageNode(OCI_MANIFEST, "application/vnd.oci.image.layer.v1.tar+gzip", layers);
    node.remove("mediaType");
    return new Manifest(bytes(node), OCI_MANIFEST);
  }

  /** An OCI artifact (a Helm chart): the OCI manifest shape with another config media type. */
  public static Manifest helmChart(Blob chart) {
    ObjectNode node =
        imageNode(OCI_MANIFEST, "application/vnd.cncf.helm.chart.content.v1.tar+gzip", chart);
    ((ObjectNode) node.get("config")).put("mediaType", "application/vnd.cncf.helm.config.v1+json");
    node.put("artifactType", "application/vnd.cncf.helm.config.v1+json");
    return new Manifest(bytes(node), OCI_MANIFEST);
  }

  private static Manifest imageOf(String mediaType, String layerType, Blob... layers) {
    return new Manifest(bytes(imageNode(mediaType, layerType, layers)), mediaType);
  }

  private static ObjectNode imageNode(String mediaType, String layerType, Blob... layers) {
    return imageNode(mediaType, new Blob(fakeDigest(), 1234), layerType, layers);
  }

  private static ObjectNode imageNode(
      String mediaType, Blob config, String layerType, Blob... layers) {
    ObjectNode node = JSON.createObjectNode();
    node.put("schemaVersion", 2).put("mediaType", mediaType);
    node.set(
        "config",
        descriptor(
            "application/vnd.docker.container.image.v1+json", config.digest(), config.size()));
    ArrayNode array = node.putArray("layers");
    for (Blob layer : layers) {
      array.add(descriptor(layerType, layer.digest(), layer.size()));
    }
    return node;
  }

  /**
   * A Docker schema1 manifest: fsLayers only (listed top layer first, as schema1 does), no sizes.
   */
  public static Manifest schema1(Blob... layers) {
    ObjectNode node = JSON.createObjectNode();
    node.put("schemaVersion", 1)
        .put("name", "old/app")
        .put("tag", "v0")
        .put("architecture", "amd64");
    ArrayNode fsLayers = node.putArray("fsLayers");
    ArrayNode history = node.putArray("history");
    for (Blob layer : layers) {
      fsLayers.addObject().put("blobSum", layer.digest().toString());
      history.addObject().put("v1Compatibility", "{}");
    }
    return new Manifest(bytes(node), "application/vnd.docker.distribution.manifest.v1+prettyjws");
  }

  public static Manifest ociIndex(Child... children) {
    return indexOf(OCI_INDEX, children);
  }

  public static Manifest manifestList(Child... children) {
    return indexOf(DOCKER_LIST, children);
  }

  private static Manifest indexOf(String mediaType, Child... children) {
    ObjectNode node = JSON.createObjectNode();
    node.put("schemaVersion", 2).put("mediaType", mediaType);
    ArrayNode array = node.putArray("manifests");
    for (Child child : children) {
      ObjectNode entry =
          descriptor(
              child.manifest().mediaType(),
              child.manifest().digest(),
              child.manifest().bytes().length);
      if (child.platform() != null) {
        String[] parts = child.platform().split("/");
        ObjectNode platform =
            entry.putObject("platform").put("architecture", parts[1]).put("os", parts[0]);
        if (parts.length > 2) {
          platform.put("variant", parts[2]);
        }
      }
      if (child.attestation()) {
        entry.putObject("annotations").put("vnd.docker.reference.type", "attestation-manifest");
      }
      array.add(entry);
    }
    return new Manifest(bytes(node), mediaType, List.of(children));
  }

  /**
   * An OCI index naming its children by digest alone, whatever they hold: for cycles, which no hash
   * allows.
   */
  public static Manifest ociIndexNaming(Digest... children) {
    ObjectNode node = JSON.createObjectNode();
    node.put("schemaVersion", 2).put("mediaType", OCI_INDEX);
    ArrayNode array = node.putArray("manifests");
    for (Digest child : children) {
      array.add(descriptor(OCI_INDEX, child, 300));
    }
    return new Manifest(bytes(node), OCI_INDEX);
  }

  /** Any bytes, as a "manifest": for damaged trees. */
  public static Manifest raw(String text) {
    return new Manifest(text.getBytes(StandardCharsets.UTF_8), DOCKER_V2);
  }

  public static Manifest raw(byte[] bytes) {
    return new Manifest(bytes, DOCKER_V2);
  }

  private static ObjectNode descriptor(String mediaType, Digest digest, long size) {
    ObjectNode node = JSON.createObjectNode();
    node.put("mediaType", mediaType).put("size", size).put("digest", digest.toString());
    return node;
  }

  private static byte[] bytes(ObjectNode node) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- repositories
  // --------------------------------------------------------------------------------------

  /** One repository of the tree. */
  public final class Repo {
    private final String name;
    private final Path dir;

    private Repo(String name) {
      this.name = name;
      this.dir = root.resolve("repositories").resolve(name);
      mkdirs(dir.resolve("_layers"));
      mkdirs(dir.resolve("_manifests").resolve("tags"));
      mkdirs(dir.resolve("_manifests").resolve("revisions").resolve("sha256"));
    }

    public Path dir() {
      return dir;
    }

    public String name() {
      return name;
    }

    /**
     * Stores the manifest (and, for an index, its children, recursively) as revisions, then tags
     * it.
     */
    public Repo tag(String tag, Manifest manifest) {
      Digest digest = push(manifest);
      return tagLink(tag, digest.toString());
    }

    /** Stores a manifest as an untagged revision, as a push by digest or a re-tag leaves behind. */
    public Digest push(Manifest manifest) {
      Digest digest = writeManifest(manifest);
      revision(digest);
      return digest;
    }

    /** Writes a revision link for a digest without storing any blob. */
    public Repo revision(Digest digest) {
      write(
          dir.resolve("_manifests/revisions")
              .resolve(digest.algorithm())
              .resolve(digest.hex())
              .resolve("link"),
          digest.toString().getBytes(StandardCharsets.US_ASCII));
      return this;
    }

    /**
     * Deletes a manifest as {@code DELETE /v2/<name>/manifests/<digest>} does in 2.8: removes the
     * revision's link file (its folder stays, empty) and every tag whose {@code current/link} names
     * it; blobs stay.
     */
    public Repo deleteManifest(Digest digest) {
      try {
        Files.delete(
            dir.resolve("_manifests/revisions")
                .resolve(digest.algorithm())
                .resolve(digest.hex())
                .resolve("link"));
        List<Path> tags;
        try (var listing = Files.list(dir.resolve("_manifests").resolve("tags"))) {
          tags = listing.toList();
        }
        for (Path tag : tags) {
          Path current = tag.resolve("current").resolve("link");
          if (Files.exists(current)
              && new String(Files.readAllBytes(current), StandardCharsets.US_ASCII)
                  .equals(digest.toString())) {
            deleteRecursively(tag);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    /**
     * Removes {@code _manifests/tags/} whole, leaving a repository as one only ever pushed by
     * digest is.
     */
    public Repo withoutTagsFolder() {
      try {
        deleteRecursively(dir.resolve("_manifests").resolve("tags"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    /** Removes a revision's link file only (its folder stays), as 2.8's deletes do. */
    public Repo unlinkRevision(Digest digest) {
      try {
        Files.delete(
            dir.resolve("_manifests/revisions")
                .resolve(digest.algorithm())
                .resolve(digest.hex())
                .resolve("link"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    /** Writes {@code current/link} of a tag with exactly this content. */
    public Repo tagLink(String tag, String content) {
      write(
          tagDir(tag).resolve("current").resolve("link"),
          content.getBytes(StandardCharsets.US_ASCII));
      return this;
    }

    public Path tagDir(String tag) {
      return dir.resolve("_manifests").resolve("tags").resolve(tag);
    }

    public Path currentLink(String tag) {
      return tagDir(tag).resolve("current").resolve("link");
    }

    private Digest writeManifest(Manifest manifest) {
      Digest digest = manifest.digest();
      write(layout().blobData(digest), manifest.bytes());
      for (Child child : manifest.children()) {
        push(child.manifest());
      }
      linkLayers(manifest);
      return digest;
    }

    /**
     * Links the config and layers an image manifest names into the repository, as the registry's
     * blob uploads (or mounts) before the manifest PUT do; a manifest that is not JSON links none.
     */
    private void linkLayers(Manifest manifest) {
      com.fasterxml.jackson.databind.JsonNode root;
      try {
        root = JSON.readTree(manifest.bytes());
      } catch (IOException notJson) {
        return;
      }
      if (root == null || !root.isObject()) {
        return;
      }
      List<com.fasterxml.jackson.databind.JsonNode> blobs = new java.util.ArrayList<>();
      if (root.path("config").isObject()) {
        blobs.add(root.get("config"));
      }
      root.path("layers").forEach(blobs::add);
      for (com.fasterxml.jackson.databind.JsonNode blob : blobs) {
        if (!blob.path("urls").isArray() || blob.path("urls").isEmpty()) {
          linkBlob(blob.path("digest").asText(""));
        }
      }
      root.path("fsLayers").forEach(layer -> linkBlob(layer.path("blobSum").asText("")));
    }

    private void linkBlob(String text) {
      Digest digest;
      try {
        digest = Digest.parse(text);
      } catch (dev.regscope.core.InvalidDigestException notADigest) {
        return;
      }
      write(layerLink(digest), digest.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code _layers/<algorithm>/<hex>/link} of a blob. */
    public Path layerLink(Digest digest) {
      return dir.resolve("_layers")
          .resolve(digest.algorithm())
          .resolve(digest.hex())
          .resolve("link");
    }

    /**
     * Unlinks a blob from the repository as {@code DELETE /v2/<name>/blobs/<digest>} does in 2.8:
     * only the link file goes; the blob stays.
     */
    public Repo unlinkBlob(Digest digest) {
      try {
        Files.delete(layerLink(digest));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }
  }

  private static void mkdirs(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    List<Path> all;
    try (var walk = Files.walk(dir)) {
      all = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path path : all) {
      Files.delete(path);
    }
  }

  private static void write(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
