package dev.regscope.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What every tag of a running registry amounts to, computed only from its HTTP answers (catalog,
 * tags lists, manifests, blob HEADs): the reference that regscope's reading of the storage folder
 * is compared with.
 *
 * <p>Sizes come from the blobs' Content-Length, not from the sizes the manifests claim, so a
 * manifest that lies about a size does not fool the reference. An index's children are fetched by
 * digest, recursing into nested indexes; its platforms list the images at the leaves.
 */
public record RegistryTruth(Map<String, Map<String, TagTruth>> repositories) {

  public RegistryTruth {
    // Sorted, so that an assertion failure prints both sides in the same order.
    Map<String, Map<String, TagTruth>> copy = new TreeMap<>();
    repositories.forEach(
        (repo, tags) -> copy.put(repo, Collections.unmodifiableMap(new TreeMap<>(tags))));
    repositories = Collections.unmodifiableMap(copy);
  }

  /** Reads every repository in the catalog and every tag in its tags list. */
  public static RegistryTruth read(RegistryClient client) {
    Map<String, Map<String, TagTruth>> repositories = new TreeMap<>();
    for (String repo : client.catalog()) {
      Reader reader = new Reader(client, repo);
      Map<String, TagTruth> tags = new TreeMap<>();
      for (String tag : client.tags(repo)) {
        tags.put(tag, reader.tag(tag));
      }
      repositories.put(repo, tags);
    }
    return new RegistryTruth(repositories);
  }

  /** The truth for {@code repo:tag}; fails if the registry does not list it. */
  public TagTruth tag(String repo, String tag) {
    Map<String, TagTruth> tags = repositories.get(repo);
    if (tags == null || !tags.containsKey(tag)) {
      throw new AssertionError(
          "registry lists no " + repo + ":" + tag + "; it has " + repositories.keySet());
    }
    return tags.get(tag);
  }

  /** Reads one repository's manifests, HEADing each blob once. */
  private static final class Reader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UNKNOWN_PLATFORM = "unknown/unknown";

    private final RegistryClient client;
    private final String repo;
    private final Map<String, Long> blobSizes = new HashMap<>();

    Reader(RegistryClient client, String repo) {
      this.client = client;
      this.repo = repo;
    }

    TagTruth tag(String tag) {
      Blob manifest = client.getManifest(repo, tag);
      JsonNode root = parse(manifest, tag);
      if (root.has("manifests")) {
        List<PlatformTruth> platforms = new ArrayList<>();
        collectChildren(root, tag, platforms);
        return new TagTruth(
            manifest.digest(),
            manifest.mediaType(),
            platforms.stream().mapToInt(PlatformTruth::layers).sum(),
            platforms.stream().mapToLong(PlatformTruth::sizeBytes).sum(),
            platforms);
      }
      PlatformTruth image =
          root.has("fsLayers")
              ? schema1(manifest, root, tag)
              : image(UNKNOWN_PLATFORM, manifest, root, tag);
      return new TagTruth(
          manifest.digest(), manifest.mediaType(), image.layers(), image.sizeBytes(), List.of());
    }

    private void collectChildren(JsonNode index, String from, List<PlatformTruth> platforms) {
      for (JsonNode entry : index.path("manifests")) {
        String digest = text(entry, "digest", from);
        Blob child = client.getManifest(repo, digest);
        JsonNode childRoot = parse(child, digest);
        if (childRoot.has("manifests")) {
          collectChildren(childRoot, digest, platforms);
        } else {
          platforms.add(image(platform(entry.path("platform")), child, childRoot, digest));
        }
      }
    }

    private PlatformTruth image(String platform, Blob manifest, JsonNode root, String reference) {
      if (!root.has("layers")) {
        throw new AssertionError(
            repo
                + "@"
                + reference
                + " ("
                + manifest.mediaType()
                + ") has neither layers nor manifests: "
                + manifest.text());
      }
      long size = 0;
      int layers = 0;
      for (JsonNode layer : root.path("layers")) {
        // A foreign layer (or one with urls) is fetched elsewhere: the registry holds no blob to
        // ask about, and the size the manifest it served declares is the truth.
        boolean external =
            MediaTypes.DOCKER_FOREIGN_LAYER.equals(layer.path("mediaType").asText())
                || layer.path("urls").size() > 0;
        size += external ? layer.path("size").asLong() : blobSize(text(layer, "digest", reference));
        layers++;
      }
      return new PlatformTruth(platform, manifest.digest(), layers, size);
    }

    /** A schema1 manifest declares no sizes: each {@code fsLayers} entry is measured. */
    private PlatformTruth schema1(Blob manifest, JsonNode root, String reference) {
      long size = 0;
      int layers = 0;
      for (JsonNode layer : root.path("fsLayers")) {
        size += blobSize(text(layer, "blobSum", reference));
        layers++;
      }
      return new PlatformTruth(UNKNOWN_PLATFORM, manifest.digest(), layers, size);
    }

    private long blobSize(String digest) {
      return blobSizes.computeIfAbsent(digest, d -> client.blobSize(repo, d));
    }

    private static String platform(JsonNode platform) {
      if (!platform.hasNonNull("os") || !platform.hasNonNull("architecture")) {
        return UNKNOWN_PLATFORM;
      }
      String variant = platform.path("variant").asText("");
      String os = platform.get("os").asText();
      // regscope's contract: a Windows child's label carries its os.version.
      String osVersion = os.equals("windows") ? platform.path("os.version").asText("") : "";
      return os
          + "/"
          + platform.get("architecture").asText()
          + (variant.isEmpty() ? "" : "/" + variant)
          + (osVersion.isEmpty() ? "" : "/" + osVersion);
    }

    private String text(JsonNode node, String field, String reference) {
      JsonNode value = node.get(field);
      if (value == null || !value.isTextual()) {
        throw new AssertionError(
            repo + "@" + reference + ": descriptor without " + field + ": " + node);
      }
      return value.asText();
    }

    private JsonNode parse(Blob manifest, String reference) {
      try {
        return Objects.requireNonNull(JSON.readTree(manifest.bytes()));
      } catch (IOException | NullPointerException e) {
        throw new AssertionError(
            "manifest " + repo + "@" + reference + " is not JSON: " + manifest.text(), e);
      }
    }
  }
}
