package dev.regscope.scan;

import dev.regscope.manifest.ChildManifest;
import dev.regscope.manifest.Descriptor;
import dev.regscope.manifest.ManifestKind;
import dev.regscope.manifest.ManifestSummary;
import dev.regscope.model.Damage;
import dev.regscope.scan.Resolution.Leaf;
import dev.regscope.scan.Resolution.Resolved;
import dev.regscope.scan.Resolution.Unresolved;
import dev.regscope.storage.Digest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides what a manifest digest counts for: the layers and bytes of an image, or the sums over the children of
 * an index. Pure logic over two lookups; one instance serves one scan and remembers every digest it resolved.
 */
final class ImageResolver {
  /** Index levels allowed above an image; deeper nesting is treated as hostile. */
  static final int MAX_INDEX_DEPTH = 8;

  /** Where manifests come from. */
  interface Manifests {
    ManifestResult get(Digest digest);
  }

  /** Where schema1 layer sizes come from: schema1 declares none, so the blob files are measured. */
  interface BlobSizes {
    /** The blob's size in bytes, or a negative value after reporting why it could not be read. */
    long sizeOrNegative(Digest digest);
  }

  private final Manifests manifests;
  private final BlobSizes blobSizes;
  private final Map<Digest, Resolution> resolved = new ConcurrentHashMap<>();

  ImageResolver(Manifests manifests, BlobSizes blobSizes) {
    this.manifests = manifests;
    this.blobSizes = blobSizes;
  }

  Resolution resolve(Digest digest) {
    return resolve(digest, 0, new HashSet<>());
  }

  /**
   * Resolves a digest reached below {@code depth} index levels. Results are remembered by digest, except
   * "too deep", which depends on the path taken: the same index may fit when a tag points at it directly.
   */
  private Resolution resolve(Digest digest, int depth, Set<Digest> ancestors) {
    Resolution known = resolved.get(digest);
    if (known == null) {
      if (!ancestors.add(digest)) {
        return new Unresolved(Damage.INDEX_CYCLE);
      }
      known = compute(digest, depth, ancestors);
      ancestors.remove(digest);
      if (!(known instanceof Unresolved unresolved && unresolved.damage() == Damage.INDEX_TOO_DEEP)) {
        resolved.put(digest, known);
      }
    }
    if (known instanceof Resolved r && depth + r.indexHeight() > MAX_INDEX_DEPTH) {
      return new Unresolved(Damage.INDEX_TOO_DEEP);
    }
    return known;
  }

  private Resolution compute(Digest digest, int depth, Set<Digest> ancestors) {
    ManifestResult lookup = manifests.get(digest);
    if (lookup instanceof ManifestResult.Failed failed) {
      return new Unresolved(failed.damage());
    }
    ManifestSummary summary = ((ManifestResult.Found) lookup).summary();
    return switch (summary.kind()) {
      case IMAGE -> image(summary, declaredSize(summary.layers()));
      case SCHEMA1 -> schema1(summary);
      case INDEX -> depth + 1 > MAX_INDEX_DEPTH ? new Unresolved(Damage.INDEX_TOO_DEEP) : index(summary, depth, ancestors);
    };
  }

  private static long declaredSize(List<Descriptor> layers) {
    long total = 0;
    for (Descriptor layer : layers) {
      total = saturatingAdd(total, layer.size());
    }
    return total;
  }

  private static Resolution image(ManifestSummary summary, long size) {
    if (size < 0) {
      return new Unresolved(Damage.BAD_SIZE);
    }
    long layers = summary.layers().size();
    return new Resolved(summary.kind(), summary.mediaType(), layers, size, 0,
        List.of(new Leaf(Optional.empty(), layers, size)));
  }

  private Resolution schema1(ManifestSummary summary) {
    long total = 0;
    for (Descriptor layer : summary.layers()) {
      long size = blobSizes.sizeOrNegative(layer.digest());
      if (size < 0) {
        return new Unresolved(Damage.MISSING_BLOB);
      }
      total = saturatingAdd(total, size);
    }
    return image(summary, total);
  }

  private Resolution index(ManifestSummary summary, int depth, Set<Digest> ancestors) {
    long layers = 0;
    long size = 0;
    int height = 0;
    List<Leaf> leaves = new ArrayList<>();
    for (ChildManifest child : summary.children()) {
      Resolution resolution = resolve(child.descriptor().digest(), depth + 1, ancestors);
      if (resolution instanceof Unresolved) {
        return resolution;
      }
      Resolved part = (Resolved) resolution;
      height = Math.max(height, part.indexHeight());
      layers += part.layers();
      size = saturatingAdd(size, part.sizeBytes());
      for (Leaf leaf : part.leaves()) {
        // A leaf keeps its own platform; one declared on an enclosing index applies where it has none.
        leaves.add(leaf.platform().isPresent() ? leaf : new Leaf(child.platform(), leaf.layers(), leaf.sizeBytes()));
      }
    }
    if (size < 0) {
      return new Unresolved(Damage.BAD_SIZE);
    }
    return new Resolved(ManifestKind.INDEX, summary.mediaType(), layers, size, height + 1, leaves);
  }

  /** Adds two non-negative sizes; an overflow (only a hostile manifest gets there) yields -1. */
  private static long saturatingAdd(long a, long b) {
    if (a < 0 || b < 0) {
      return -1;
    }
    long sum = a + b;
    return sum < 0 ? -1 : sum;
  }
}
