package dev.regscope.hygiene;

import dev.regscope.core.Digest;
import dev.regscope.manifest.ChildManifest;
import dev.regscope.manifest.ManifestSummary;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

/**
 * What a repository's tags reach, each distinct blob (manifests, index children, configs, layers)
 * counted once: {@code repository_size_bytes} for a source that has no blob census, such as the
 * HTTP API. It follows what a pull of each manifest fetches ({@link References#pulled}) and the
 * children of indexes, so both sources count the same blobs; external layers (foreign,
 * non-distributable, with {@code urls}) are left out, since whether the registry holds them is not
 * known without asking. Pure.
 */
public final class ReachableSize {
  private ReachableSize() {}

  /**
   * @param tagged the manifest each tag names
   * @param summaries a manifest's summary, empty where it is missing or unreadable
   * @param sizes a blob's size, empty where it is not known (then it adds nothing)
   */
  public static long of(
      Collection<Digest> tagged,
      Function<Digest, Optional<ManifestSummary>> summaries,
      Function<Digest, OptionalLong> sizes) {
    Set<Digest> seen = new HashSet<>();
    Set<Digest> walked = new HashSet<>();
    Deque<Digest> pending = new ArrayDeque<>(tagged);
    long total = 0;
    while (!pending.isEmpty()) {
      Digest manifest = pending.pop();
      if (!walked.add(manifest)) {
        continue;
      }
      if (seen.add(manifest)) {
        total += sizes.apply(manifest).orElse(0);
      }
      Optional<ManifestSummary> summary = summaries.apply(manifest);
      if (summary.isEmpty()) {
        continue;
      }
      for (Digest blob : References.pulled(summary.get())) {
        if (seen.add(blob)) {
          total += sizes.apply(blob).orElse(0);
        }
      }
      for (ChildManifest child : summary.get().children()) {
        pending.push(child.descriptor().digest());
      }
    }
    return total;
  }
}
