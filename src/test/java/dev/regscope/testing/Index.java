package dev.regscope.testing;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Docker manifest list or OCI image index with its children, in the order of its {@code
 * manifests}.
 */
public record Index(Blob manifest, List<Index.Child> children) implements Artifact {

  public Index {
    Objects.requireNonNull(manifest, "manifest");
    children = List.copyOf(children);
  }

  /**
   * One entry of {@code manifests}: the child and the descriptor's {@code platform} (null when the
   * descriptor has none, as for a nested index) and {@code annotations}.
   */
  public record Child(Artifact target, Platform platform, Map<String, String> annotations) {
    public Child {
      Objects.requireNonNull(target, "target");
      annotations = Map.copyOf(annotations);
    }

    /** The entry an index has for {@code image}: its own platform, no annotations. */
    public static Child of(Image image) {
      return new Child(image, image.platform(), Map.of());
    }
  }

  @Override
  public void pushReferences(RegistryClient client, String repo) {
    // The registry refuses an index whose children are not in the repository yet.
    for (Child child : children) {
      child.target().pushByDigest(client, repo);
    }
  }
}
