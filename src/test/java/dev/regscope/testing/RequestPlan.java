package dev.regscope.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * The fewest requests that read a registry over its API, counted from the registry's own answers:
 * its repositories (and the catalog pages at a page size), its tags, the distinct manifests they
 * reach (tagged ones and index children, recursively), and the distinct layers of schema1
 * manifests, which declare no sizes.
 */
public record RequestPlan(
    int repositories,
    int catalogPages,
    int tags,
    Set<String> manifests,
    Set<String> schema1Layers) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static RequestPlan of(RegistryClient client, int pageSize) {
    int repositories = 0;
    int tags = 0;
    Set<String> manifests = new HashSet<>();
    Set<String> layers = new HashSet<>();
    for (String repository : client.catalog()) {
      repositories++;
      Deque<String> pending = new ArrayDeque<>();
      for (String tag : client.tags(repository)) {
        tags++;
        pending.add(client.headManifest(repository, tag));
      }
      Set<String> seen = new HashSet<>();
      while (!pending.isEmpty()) {
        String digest = pending.pop();
        if (!seen.add(digest)) {
          continue;
        }
        manifests.add(digest);
        JsonNode root = read(client.getManifest(repository, digest));
        root.path("manifests").forEach(child -> pending.add(child.path("digest").asText()));
        root.path("fsLayers").forEach(layer -> layers.add(layer.path("blobSum").asText()));
      }
    }
    return new RequestPlan(
        repositories,
        client.catalogPages(pageSize),
        tags,
        Set.copyOf(manifests),
        Set.copyOf(layers));
  }

  private static JsonNode read(Blob manifest) {
    try {
      return JSON.readTree(manifest.bytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
