package dev.regscope.scan;

import dev.regscope.core.Damage;
import dev.regscope.core.Digest;
import dev.regscope.manifest.ChildManifest;
import dev.regscope.manifest.Descriptor;
import dev.regscope.manifest.ManifestKind;
import dev.regscope.manifest.ManifestSummary;
import dev.regscope.manifest.Platform;
import dev.regscope.model.BrokenTag;
import dev.regscope.model.PlatformStats;
import dev.regscope.model.TagStats;
import dev.regscope.scan.Resolution.Leaf;
import dev.regscope.scan.Resolution.Resolved;
import dev.regscope.scan.Resolution.Unresolved;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Decides what a manifest digest counts for: the layers and bytes of an image, or the sums over the
 * children of an index. Pure logic over two lookups and a sink for the damage it finds; one
 * instance serves one scan and remembers every digest it resolved. Both sources use it, the storage
 * walk fed by the tree and the API source fed by the registry's answers, so their numbers cannot
 * drift apart.
 */
public final class ImageResolver {
  /** Index levels allowed above an image; deeper nesting is treated as hostile. */
  static final int MAX_INDEX_DEPTH = 8;

  /** Where manifests come from. */
  public interface Manifests {
    ManifestResult get(Digest digest);
  }

  /**
   * Where schema1 layer sizes come from: schema1 declares none, so the blobs are measured (their
   * files, or the registry's answer to a blob {@code HEAD}).
   */
  public interface BlobSizes {
    /**
     * The blob's size in bytes, or the damage that kept it from being measured, after reporting it.
     */
    BlobSize size(Digest digest);
  }

  /**
   * Where damage found in how readable manifests fit together goes, named by the manifest it is in.
   */
  public interface Damaged {
    void report(Digest manifest, Damage damage, String message);
  }

  private final Manifests manifests;
  private final BlobSizes blobSizes;
  private final Damaged damaged;
  private final Map<Digest, Resolution> resolved;

  public ImageResolver(Manifests manifests, BlobSizes blobSizes, Damaged damaged) {
    this(manifests, blobSizes, damaged, 16);
  }

  /**
   * @param expected how many digests this scan will likely resolve (the last scan's count), to size
   *     the memo
   */
  public ImageResolver(Manifests manifests, BlobSizes blobSizes, Damaged damaged, int expected) {
    this.resolved = new ConcurrentHashMap<>(Math.max(16, expected * 4 / 3));
    this.manifests = manifests;
    this.blobSizes = blobSizes;
    this.damaged = damaged;
  }

  /**
   * What tag {@code name}, naming {@code digest}, counts for; {@code pushedAt} is asked only for a
   * readable tag (it may answer null: not known).
   */
  public TagCount count(String name, Digest digest, Supplier<Instant> pushedAt) {
    Resolution resolution = resolve(digest);
    if (resolution instanceof Unresolved unresolved) {
      String mediaType =
          manifests.get(digest) instanceof ManifestResult.Found found
              ? found.summary().mediaType()
              : null;
      return new TagCount.Broken(new BrokenTag(name, unresolved.damage(), digest, mediaType));
    }
    Resolved image = (Resolved) resolution;
    return new TagCount.Readable(
        new TagStats(
            name,
            digest,
            image.mediaType(),
            image.layers(),
            image.sizeBytes(),
            image.kind() == ManifestKind.INDEX ? byPlatform(image.leaves()) : List.of(),
            pushedAt.get()));
  }

  /**
   * Children declared for the same platform (several attestations are all unknown/unknown) are
   * summed.
   */
  static List<PlatformStats> byPlatform(List<Leaf> leaves) {
    Map<String, long[]> sums = new TreeMap<>();
    for (Leaf leaf : leaves) {
      String platform = leaf.platform().map(Platform::toString).orElse(Platform.UNDECLARED);
      long[] sum = sums.computeIfAbsent(platform, p -> new long[2]);
      sum[0] += leaf.layers();
      sum[1] += leaf.sizeBytes();
    }
    List<PlatformStats> platforms = new ArrayList<>();
    sums.forEach((platform, sum) -> platforms.add(new PlatformStats(platform, sum[0], sum[1])));
    return platforms;
  }

  Resolution resolve(Digest digest) {
    Resolution resolution = resolve(digest, 0, new HashSet<>());
    if (resolution instanceof Unresolved unresolved
        && unresolved.damage() == Damage.INDEX_TOO_DEEP) {
      // Named at the tag's own manifest: how deep an inner index sits depends on where the walk
      // entered.
      damaged.report(
          digest,
          Damage.INDEX_TOO_DEEP,
          "nests indexes more than " + MAX_INDEX_DEPTH + " levels deep");
    }
    return resolution;
  }

  /**
   * Resolves a digest reached below {@code depth} index levels. Results are remembered by digest,
   * except "too deep", which depends on the path taken: the same index may fit when a tag points at
   * it directly.
   */
  private Resolution resolve(Digest digest, int depth, Set<Digest> ancestors) {
    Resolution known = resolved.get(digest);
    if (known == null) {
      if (!ancestors.add(digest)) {
        damaged.report(
            digest,
            Damage.INDEX_CYCLE,
            "is an index that contains itself, directly or through its children");
        return new Unresolved(Damage.INDEX_CYCLE);
      }
      known = compute(digest, depth, ancestors);
      ancestors.remove(digest);
      if (!(known instanceof Unresolved unresolved
          && unresolved.damage() == Damage.INDEX_TOO_DEEP)) {
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
      case IMAGE -> image(digest, summary, declaredSize(summary.layers()));
      case SCHEMA1 -> schema1(digest, summary);
      case INDEX ->
          depth + 1 > MAX_INDEX_DEPTH
              ? new Unresolved(Damage.INDEX_TOO_DEEP)
              : index(digest, summary, depth, ancestors);
    };
  }

  private static long declaredSize(List<Descriptor> layers) {
    long total = 0;
    for (Descriptor layer : layers) {
      total = saturatingAdd(total, layer.size());
    }
    return total;
  }

  private Resolution image(Digest digest, ManifestSummary summary, long size) {
    if (size < 0) {
      return sizesPastLongMax(digest);
    }
    long layers = summary.layers().size();
    return new Resolved(
        summary.kind(),
        summary.mediaType(),
        layers,
        size,
        0,
        List.of(new Leaf(Optional.empty(), layers, size)),
        List.of());
  }

  private Resolution schema1(Digest digest, ManifestSummary summary) {
    long total = 0;
    for (Descriptor layer : summary.layers()) {
      BlobSize size = blobSizes.size(layer.digest());
      if (size instanceof BlobSize.Failed failed) {
        return new Unresolved(failed.damage());
      }
      total = saturatingAdd(total, ((BlobSize.Measured) size).bytes());
    }
    return image(digest, summary, total);
  }

  private Resolution index(
      Digest digest, ManifestSummary summary, int depth, Set<Digest> ancestors) {
    long layers = 0;
    long size = 0;
    int height = 0;
    List<Leaf> leaves = new ArrayList<>();
    Set<Digest> descendants = new LinkedHashSet<>();
    for (ChildManifest child : summary.children()) {
      Resolution resolution = resolve(child.descriptor().digest(), depth + 1, ancestors);
      if (resolution instanceof Unresolved) {
        return resolution;
      }
      Resolved part = (Resolved) resolution;
      descendants.add(child.descriptor().digest());
      descendants.addAll(part.descendants());
      height = Math.max(height, part.indexHeight());
      layers += part.layers();
      size = saturatingAdd(size, part.sizeBytes());
      for (Leaf leaf : part.leaves()) {
        // A leaf keeps its own platform; one declared on an enclosing index applies where it has
        // none.
        leaves.add(
            leaf.platform().isPresent()
                ? leaf
                : new Leaf(child.platform(), leaf.layers(), leaf.sizeBytes()));
      }
    }
    if (size < 0) {
      return sizesPastLongMax(digest);
    }
    return new Resolved(
        ManifestKind.INDEX,
        summary.mediaType(),
        layers,
        size,
        height + 1,
        leaves,
        List.copyOf(descendants));
  }

  private Unresolved sizesPastLongMax(Digest digest) {
    damaged.report(
        digest, Damage.BAD_SIZE, "has sizes that add up past " + Long.MAX_VALUE + " bytes");
    return new Unresolved(Damage.BAD_SIZE);
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
