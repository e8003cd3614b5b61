package dev.regscope.scan;

import dev.regscope.core.Digest;
import dev.regscope.manifest.ManifestSummary;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Summaries of manifests already parsed, by digest. A manifest's bytes never change under its
 * digest, so an entry never goes stale; entries the last scan did not use are dropped, so memory
 * follows the tree.
 */
public final class ManifestCache {
  private final Map<Digest, ManifestSummary> summaries = new ConcurrentHashMap<>();

  ManifestSummary get(Digest digest) {
    return summaries.get(digest);
  }

  void put(Digest digest, ManifestSummary summary) {
    summaries.put(digest, summary);
  }

  void remove(Digest digest) {
    summaries.remove(digest);
  }

  /** Keeps only the given digests. */
  void retainOnly(Set<Digest> used) {
    summaries.keySet().retainAll(used);
  }

  public int size() {
    return summaries.size();
  }
}
