package dev.regscope.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a client can pull a tag, decided from the registry's HTTP answers alone, as a client
 * walks it: the tag's manifest, each child manifest by digest, then each config and layer by a blob
 * HEAD (foreign layers, fetched from their URLs, excepted). The reference for regscope's broken and
 * unpullable tags.
 */
public final class RegistryPull {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How far a pull gets. */
  public enum Outcome {
    /** Every manifest and blob answers. */
    PULLABLE,
    /** The tag's manifest or a child manifest answers 404. */
    BROKEN,
    /** Every manifest answers, a config or layer does not. */
    UNPULLABLE
  }

  /**
   * The outcome, the digest the tag's manifest answered with (null when it did not), and the
   * references that failed.
   */
  public record Answer(Outcome outcome, String digest, List<String> failing) {}

  private RegistryPull() {}

  /**
   * What the registry answers for every tag of every repository regscope saw, by {@code repo:tag}.
   */
  public static java.util.Map<String, Outcome> answers(
      RegistryClient client, dev.regscope.model.Snapshot snapshot) {
    java.util.Map<String, Outcome> answers = new java.util.TreeMap<>();
    for (var repository : snapshot.repositories()) {
      for (String tag : client.tags(repository.name())) {
        answers.put(repository.name() + ":" + tag, of(client, repository.name(), tag).outcome());
      }
    }
    return answers;
  }

  /** How regscope classifies every tag, by {@code repo:tag}. */
  public static java.util.Map<String, Outcome> classified(dev.regscope.model.Snapshot snapshot) {
    java.util.Map<String, Outcome> outcomes = new java.util.TreeMap<>();
    for (var repository : snapshot.repositories()) {
      java.util.Set<String> unpullable = new java.util.HashSet<>();
      repository.hygiene().unpullableTags().forEach(t -> unpullable.add(t.name()));
      repository
          .brokenTags()
          .forEach(t -> outcomes.put(repository.name() + ":" + t.name(), Outcome.BROKEN));
      repository
          .tags()
          .forEach(
              t ->
                  outcomes.put(
                      repository.name() + ":" + t.name(),
                      unpullable.contains(t.name()) ? Outcome.UNPULLABLE : Outcome.PULLABLE));
    }
    return outcomes;
  }

  public static Answer of(RegistryClient client, String repo, String tag) {
    if (client.manifestStatus(repo, tag) == 404) {
      return new Answer(Outcome.BROKEN, null, List.of(tag));
    }
    Blob manifest = client.getManifest(repo, tag);
    List<String> brokenAt = new ArrayList<>();
    List<String> failingBlobs = new ArrayList<>();
    walk(client, repo, manifest, brokenAt, failingBlobs);
    if (!brokenAt.isEmpty()) {
      return new Answer(Outcome.BROKEN, manifest.digest(), brokenAt);
    }
    return failingBlobs.isEmpty()
        ? new Answer(Outcome.PULLABLE, manifest.digest(), List.of())
        : new Answer(Outcome.UNPULLABLE, manifest.digest(), failingBlobs);
  }

  private static void walk(
      RegistryClient client,
      String repo,
      Blob manifest,
      List<String> brokenAt,
      List<String> failingBlobs) {
    JsonNode root = parse(manifest);
    for (JsonNode child : root.path("manifests")) {
      String digest = child.path("digest").asText();
      if (client.manifestStatus(repo, digest) == 404) {
        brokenAt.add(digest);
      } else {
        walk(client, repo, client.getManifest(repo, digest), brokenAt, failingBlobs);
      }
    }
    List<JsonNode> blobs = new ArrayList<>();
    if (root.has("config")) {
      blobs.add(root.get("config"));
    }
    root.path("layers").forEach(blobs::add);
    for (JsonNode blob : blobs) {
      boolean external =
          MediaTypes.DOCKER_FOREIGN_LAYER.equals(blob.path("mediaType").asText())
              || blob.path("urls").size() > 0;
      String digest = blob.path("digest").asText();
      if (!external && !client.hasBlob(repo, digest) && !failingBlobs.contains(digest)) {
        failingBlobs.add(digest);
      }
    }
    for (JsonNode layer : root.path("fsLayers")) {
      String digest = layer.path("blobSum").asText();
      if (!client.hasBlob(repo, digest) && !failingBlobs.contains(digest)) {
        failingBlobs.add(digest);
      }
    }
  }

  private static JsonNode parse(Blob manifest) {
    try {
      return JSON.readTree(manifest.bytes());
    } catch (IOException e) {
      throw new UncheckedIOException("the registry served a manifest that is not JSON", e);
    }
  }
}
