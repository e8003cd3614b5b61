package dev.regscope.hygiene;

import dev.regscope.core.BlobCensus;
import dev.regscope.core.Digest;
import dev.regscope.manifest.ChildManifest;
import dev.regscope.manifest.ManifestSummary;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The manifests of one scan as the collector walks them, with what each marks and reaches worked
 * out once per manifest and shared by every tag and repository naming it. Thread-safe.
 */
final class ManifestGraph {
  /**
   * What a tagged manifest reaches, children of indexes followed whatever their revisions: the
   * manifests on the way, and the blobs among them and their configs and layers that the store
   * lacks (external layers, which the registry never holds, excepted).
   */
  record Closure(Set<Digest> manifests, List<Digest> missing) {}

  private final BlobCensus census;
  private final ManifestLookup lookup;
  private final Map<Digest, int[]> marks;
  private final Map<Digest, Closure> closures;

  ManifestGraph(BlobCensus census, ManifestLookup lookup, int expected) {
    this.census = census;
    this.lookup = lookup;
    // One entry per distinct manifest at most: sized up front rather than grown while every core
    // reads them.
    this.marks = new ConcurrentHashMap<>(Math.max(16, expected));
    this.closures = new ConcurrentHashMap<>(Math.max(16, expected));
  }

  BlobCensus census() {
    return census;
  }

  Optional<ManifestSummary> summary(Digest digest) {
    return lookup.summary(digest);
  }

  /** The child manifests an index names, in order; empty for an image or an unreadable manifest. */
  List<Digest> children(Digest manifest) {
    Optional<ManifestSummary> summary = lookup.summary(manifest);
    if (summary.isEmpty() || summary.get().children().isEmpty()) {
      return List.of();
    }
    List<Digest> children = new ArrayList<>(summary.get().children().size());
    for (ChildManifest child : summary.get().children()) {
      children.add(child.descriptor().digest());
    }
    return children;
  }

  /**
   * What marking one revision marks, by census number: its manifest and what the manifest
   * references; blobs the store lacks are left out.
   */
  int[] marks(Digest revision) {
    int[] known = marks.get(revision);
    if (known != null) {
      return known;
    }
    List<Digest> blobs = new ArrayList<>();
    blobs.add(revision);
    lookup.summary(revision).ifPresent(summary -> blobs.addAll(References.of(summary)));
    int[] indexes = blobs.stream().mapToInt(census::indexOf).filter(i -> i >= 0).toArray();
    marks.put(revision, indexes);
    return indexes;
  }

  /** What a tagged manifest reaches, worked out once per manifest. */
  Closure closure(Digest root) {
    Closure known = closures.get(root);
    if (known != null) {
      return known;
    }
    Set<Digest> manifests = new LinkedHashSet<>();
    Set<Digest> missing = new LinkedHashSet<>();
    Deque<Digest> pending = new ArrayDeque<>();
    pending.push(root);
    while (!pending.isEmpty()) {
      Digest manifest = pending.pop();
      if (!manifests.add(manifest)) {
        continue; // cycles and shared children cost nothing more
      }
      if (census.indexOf(manifest) < 0) {
        missing.add(manifest);
      }
      Optional<ManifestSummary> summary = lookup.summary(manifest);
      if (summary.isEmpty()) {
        continue; // missing or unreadable: the manifest itself is all that is known
      }
      for (Digest blob : References.pulled(summary.get())) {
        if (census.indexOf(blob) < 0) {
          missing.add(blob);
        }
      }
      for (ChildManifest child : summary.get().children()) {
        pending.push(child.descriptor().digest());
      }
    }
    Closure closure =
        new Closure(
            manifests.size() == 1 ? Set.of(root) : manifests,
            missing.isEmpty() ? List.of() : List.copyOf(missing));
    closures.put(root, closure);
    return closure;
  }
}
