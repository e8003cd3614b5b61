package dev.regscope.scan;

import dev.regscope.core.Damage;
import dev.regscope.core.Digest;
import dev.regscope.manifest.ManifestKind;
import dev.regscope.manifest.Platform;
import java.util.List;
import java.util.Optional;

/**
 * What a manifest digest adds up to once all its children are followed, or why it cannot be
 * counted.
 */
sealed interface Resolution {
  /**
   * A fully readable manifest.
   *
   * @param indexHeight how many index levels sit above the deepest image (0 for an image)
   * @param leaves the image manifests it consists of, each with the platform it was declared for
   * @param descendants every manifest below it (children of indexes, at any depth), each once;
   *     empty for an image
   */
  record Resolved(
      ManifestKind kind,
      String mediaType,
      long layers,
      long sizeBytes,
      int indexHeight,
      List<Leaf> leaves,
      List<Digest> descendants)
      implements Resolution {}

  /** An image manifest reached through an index, with the nearest declared platform. */
  record Leaf(Optional<Platform> platform, long layers, long sizeBytes) {}

  record Unresolved(Damage damage) implements Resolution {}
}
