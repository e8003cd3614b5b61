package dev.regscope.hygiene;

import dev.regscope.manifest.ChildManifest;
import dev.regscope.manifest.ManifestSummary;
import dev.regscope.storage.Digest;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Everything a set of tagged manifests needs to be pulled: the manifests themselves, the children of indexes
 * (recursively), and every config and layer. What a correct collector keeps for those tags.
 */
final class Reachability {
  final Set<Digest> manifests = new HashSet<>();
  final Set<Digest> blobs = new HashSet<>();

  private final Function<Digest, Optional<ManifestSummary>> summaries;

  Reachability(Function<Digest, Optional<ManifestSummary>> summaries) {
    this.summaries = summaries;
  }

  /** Adds what {@code root} reaches; the visited set makes cycles and shared children cost nothing more. */
  void add(Digest root) {
    Deque<Digest> pending = new ArrayDeque<>();
    pending.push(root);
    while (!pending.isEmpty()) {
      Digest manifest = pending.pop();
      if (!manifests.add(manifest)) {
        continue;
      }
      blobs.add(manifest);
      Optional<ManifestSummary> summary = summaries.apply(manifest);
      if (summary.isEmpty()) {
        continue; // missing or unreadable: the manifest itself is all that is known
      }
      blobs.addAll(References.stored(summary.get()));
      for (ChildManifest child : summary.get().children()) {
        pending.push(child.descriptor().digest());
      }
    }
  }
}
