package dev.regscope.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Builds layers, configs and manifests for tests; the same seed gives the same bytes and digests,
 * so a scenario is repeatable. Layers are random bytes, not tarballs: the registry never looks
 * inside them.
 */
public final class ImageFactory {
  static final int MIN_LAYER_SIZE = 3;
  static final int MAX_LAYER_SIZE = 300_000;
  // A fixed time, because a clock in the config would change every digest on every run.
  private static final String CREATED = "2024-05-01T12:00:00Z";

  private final Random random;
  private final ObjectMapper json = new ObjectMapper();

  public ImageFactory(Random random) {
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * A layer of random size, from a few bytes to a few hundred KB (log-uniform, so small layers are
   * common).
   */
  public Blob layer() {
    double spread = Math.log((double) MAX_LAYER_SIZE / MIN_LAYER_SIZE);
    return layer((int) Math.round(MIN_LAYER_SIZE * Math.exp(random.nextDouble() * spread)));
  }

  /** A layer of exactly {@code size} random bytes. */
  public Blob layer(int size) {
    byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    return Blob.of(MediaTypes.OCI_LAYER, bytes);
  }

  public Image dockerImage(Platform platform, Blob... layers) {
    return image(
        MediaTypes.DOCKER_MANIFEST,
        MediaTypes.DOCKER_CONFIG,
        MediaTypes.DOCKER_LAYER,
        platform,
        Arrays.asList(layers));
  }

  public Image ociImage(Platform platform, Blob... layers) {
    return image(
        MediaTypes.OCI_MANIFEST,
        MediaTypes.OCI_CONFIG,
        MediaTypes.OCI_LAYER,
        platform,
        Arrays.asList(layers));
  }

  /**
   * An OCI artifact (a Helm chart, a signature, an SBOM): an OCI image manifest whose config and
   * layers carry the artifact's own media types.
   */
  public Image ociArtifact(String configType, String layerType, Blob... layers) {
    return image(
        MediaTypes.OCI_MANIFEST, configType, layerType, Platform.UNKNOWN, Arrays.asList(layers));
  }

  /** A Docker manifest list with an entry per image, each under the image's platform. */
  public Index dockerManifestList(Image... images) {
    return index(
        MediaTypes.DOCKER_MANIFEST_LIST, Arrays.stream(images).map(Index.Child::of).toList());
  }

  /** An OCI image index with the given entries (images, attestations, nested indexes). */
  public Index ociIndex(Index.Child... children) {
    return index(MediaTypes.OCI_INDEX, Arrays.asList(children));
  }

  /**
   * An attestation entry for {@code subject}, shaped as BuildKit writes it: an OCI image manifest
   * whose one layer is an in-toto statement, listed under platform {@code unknown/unknown} with
   * annotations naming the subject.
   */
  public Index.Child attestationFor(Image subject) {
    ObjectNode statement =
        json.createObjectNode()
            .put("_type", "https://in-toto.io/Statement/v0.1")
            .put("predicateType", "https://spdx.dev/Document");
    statement
        .putArray("subject")
        .addObject()
        .put("name", "pkg:docker/regscope-test@" + subject.platform())
        .putObject("digest")
        .put("sha256", subject.digest().substring("sha256:".length()));
    statement.putObject("predicate").put("nonce", HexFormat.of().toHexDigits(random.nextLong()));
    Blob layer = Blob.of(MediaTypes.IN_TOTO, write(statement));
    Image attestation =
        image(
            MediaTypes.OCI_MANIFEST,
            MediaTypes.OCI_CONFIG,
            MediaTypes.IN_TOTO,
            Platform.UNKNOWN,
            List.of(layer));
    return new Index.Child(
        attestation,
        Platform.UNKNOWN,
        Map.of(
            "vnd.docker.reference.digest",
            subject.digest(),
            "vnd.docker.reference.type",
            "attestation-manifest"));
  }

  /**
   * A Windows base layer as Microsoft publishes them: a Docker foreign layer of {@code size}
   * declared bytes with a URL to fetch it from. Registry 2.8 accepts a manifest naming one without
   * the blob once {@code validation.manifests.urls.allow} admits the URL; {@link Image#push} never
   * sends it. Its bytes (a few, not {@code size}) are what a test uploads to put it in the store.
   */
  public Blob foreignLayer(long size) {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    Blob blob = Blob.of(MediaTypes.DOCKER_FOREIGN_LAYER, bytes);
    return new Blob(MediaTypes.DOCKER_FOREIGN_LAYER, blob.digest(), bytes, size);
  }

  /**
   * A Docker schema2 Windows image on a foreign base layer: the base is declared with its URL and
   * size and never pushed; {@code layers} are pushed as usual.
   */
  public Image windowsImage(String osVersion, Blob foreignBase, Blob... layers) {
    List<Blob> all = new java.util.ArrayList<>();
    all.add(foreignBase);
    all.addAll(Arrays.asList(layers));
    Platform platform = Platform.windows(osVersion);
    List<Blob> typed =
        all.stream()
            .map(
                l ->
                    l.isExternal()
                        ? l
                        : new Blob(MediaTypes.DOCKER_LAYER, l.digest(), l.bytes(), l.size()))
            .toList();
    Blob config = config(MediaTypes.DOCKER_CONFIG, platform, typed);
    ObjectNode manifest =
        json.createObjectNode()
            .put("schemaVersion", 2)
            .put("mediaType", MediaTypes.DOCKER_MANIFEST);
    manifest.set("config", descriptor(config));
    ArrayNode entries = manifest.putArray("layers");
    for (Blob layer : typed) {
      ObjectNode entry = descriptor(layer);
      if (layer.isExternal()) {
        entry
            .putArray("urls")
            .add("https://mcr.microsoft.com/v2/windows/servercore/blobs/" + layer.digest());
      }
      entries.add(entry);
    }
    return new Image(Blob.of(MediaTypes.DOCKER_MANIFEST, write(manifest)), config, typed, platform);
  }

  /**
   * An OCI 1.1 referrer of {@code subject}, as Notation, cosign or oras push one: an OCI manifest
   * with {@code artifactType}, the empty config, one layer of {@code layerType}, and a {@code
   * subject} naming the image.
   */
  public Image referrer(Artifact subject, String artifactType, String layerType) {
    Blob empty =
        Blob.of(MediaTypes.OCI_EMPTY, "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    byte[] payload = new byte[64];
    random.nextBytes(payload);
    Blob layer = Blob.of(layerType, payload);
    ObjectNode manifest =
        json.createObjectNode()
            .put("schemaVersion", 2)
            .put("mediaType", MediaTypes.OCI_MANIFEST)
            .put("artifactType", artifactType);
    manifest.set("config", descriptor(empty));
    manifest.putArray("layers").add(descriptor(layer));
    ObjectNode about =
        json.createObjectNode()
            .put("mediaType", subject.mediaType())
            .put("size", subject.manifest().size())
            .put("digest", subject.digest());
    manifest.set("subject", about);
    return new Image(
        Blob.of(MediaTypes.OCI_MANIFEST, write(manifest)), empty, List.of(layer), Platform.UNKNOWN);
  }

  /**
   * The index the referrers tag schema keeps for a registry without the referrers API (such as
   * 2.8), pushed under the tag {@code sha256-<hex of the subject>}: one entry per referrer, with
   * its {@code artifactType}.
   */
  public Index referrersIndex(List<Image> referrers) {
    ObjectNode index =
        json.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode manifests = index.putArray("manifests");
    for (Image referrer : referrers) {
      manifests.add(descriptor(referrer.manifest()));
    }
    return new Index(
        Blob.of(MediaTypes.OCI_INDEX, write(index)),
        referrers.stream().map(r -> new Index.Child(r, null, Map.of())).toList());
  }

  private Image image(
      String manifestType,
      String configType,
      String layerType,
      Platform platform,
      List<Blob> layers) {
    // The manifest kind decides a layer's media type; the bytes and digest stay the same.
    List<Blob> typed =
        layers.stream().map(l -> new Blob(layerType, l.digest(), l.bytes())).toList();
    Blob config = config(configType, platform, typed);

    ObjectNode manifest =
        json.createObjectNode().put("schemaVersion", 2).put("mediaType", manifestType);
    manifest.set("config", descriptor(config));
    ArrayNode entries = manifest.putArray("layers");
    typed.forEach(layer -> entries.add(descriptor(layer)));
    return new Image(Blob.of(manifestType, write(manifest)), config, typed, platform);
  }

  private Blob config(String configType, Platform platform, List<Blob> layers) {
    ObjectNode config =
        json.createObjectNode()
            .put("architecture", platform.architecture())
            .put("os", platform.os());
    if (platform.variant() != null) {
      config.put("variant", platform.variant());
    }
    if (platform.osVersion() != null) {
      config.put("os.version", platform.osVersion());
    }
    config.put("created", CREATED);
    // A random label keeps two images with the same layers apart, as different builds are.
    config
        .putObject("config")
        .putObject("Labels")
        .put("dev.regscope.test.build", HexFormat.of().toHexDigits(random.nextLong()));
    ObjectNode rootfs = config.putObject("rootfs").put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids");
    // Not real diff_ids (those hash the uncompressed tar); nothing in the registry checks them.
    layers.forEach(layer -> diffIds.add(layer.digest()));
    return Blob.of(configType, write(config));
  }

  private Index index(String mediaType, List<Index.Child> children) {
    ObjectNode index = json.createObjectNode().put("schemaVersion", 2).put("mediaType", mediaType);
    ArrayNode manifests = index.putArray("manifests");
    for (Index.Child child : children) {
      ObjectNode entry = descriptor(child.target().manifest());
      if (child.platform() != null) {
        ObjectNode platform =
            entry
                .putObject("platform")
                .put("architecture", child.platform().architecture())
                .put("os", child.platform().os());
        if (child.platform().variant() != null) {
          platform.put("variant", child.platform().variant());
        }
        if (child.platform().osVersion() != null) {
          platform.put("os.version", child.platform().osVersion());
        }
      }
      if (!child.annotations().isEmpty()) {
        ObjectNode annotations = entry.putObject("annotations");
        child.annotations().entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .forEach(a -> annotations.put(a.getKey(), a.getValue()));
      }
      manifests.add(entry);
    }
    return new Index(Blob.of(mediaType, write(index)), children);
  }

  private ObjectNode descriptor(Blob blob) {
    return json.createObjectNode()
        .put("mediaType", blob.mediaType())
        .put("size", blob.size())
        .put("digest", blob.digest());
  }

  private byte[] write(ObjectNode node) {
    try {
      return json.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON that was built in memory", e);
    }
  }
}
