package dev.regscope.model;

import dev.regscope.core.Damage;
import dev.regscope.core.Digest;
import java.util.List;

/**
 * A tag whose manifests the registry serves but whose image cannot be pulled: a config or layer is
 * missing from the blob store ({@code missing_blob}) or not linked into the repository ({@code
 * missing_layer_link}). It keeps its declared layers and size.
 *
 * @param missing the blobs that fail, in the order met
 */
public record UnpullableTag(String name, Damage reason, List<Digest> missing) {
  public UnpullableTag {
    missing = List.copyOf(missing);
  }
}
