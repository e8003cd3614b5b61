package dev.regscope.testing;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An image manifest (Docker schema2 or OCI) with the config and layers it names, in manifest order;
 * a layer listed twice appears twice. {@code platform} is what the config says and what an index
 * entry for it carries.
 */
public record Image(Blob manifest, Blob config, List<Blob> layers, Platform platform)
    implements Artifact {

  public Image {
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(platform, "platform");
    layers = List.copyOf(layers);
  }

  /** The number of entries in the manifest's {@code layers}. */
  public int layerCount() {
    return layers.size();
  }

  /** The sum of the layers' declared sizes, counting a layer as often as the manifest lists it. */
  public long layerBytes() {
    return layers.stream().mapToLong(Blob::size).sum();
  }

  @Override
  public void pushReferences(RegistryClient client, String repo) {
    Set<Blob> blobs = new LinkedHashSet<>();
    blobs.add(config);
    layers.stream().filter(layer -> !layer.isExternal()).forEach(blobs::add);
    for (Blob blob : blobs) {
      // Shared layers may already be linked into the repository (pushed with another image, or
      // mounted).
      if (!client.hasBlob(repo, blob.digest())) {
        client.pushBlob(repo, blob);
      }
    }
  }
}
