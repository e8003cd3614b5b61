package dev.regscope.hygiene;

import dev.regscope.core.Damage;
import dev.regscope.core.Digest;
import dev.regscope.manifest.ManifestSummary;
import java.util.Optional;

/** Where the collector's reachability finds manifests; asked from several threads at once. */
public interface ManifestLookup {
  /** The summary of a manifest, empty where its blob is missing or cannot be read. */
  Optional<ManifestSummary> summary(Digest digest);

  /**
   * Why a manifest whose blob is stored cannot be read (parsed, opened); empty when it can, or when
   * its blob is absent.
   */
  Optional<Damage> unreadable(Digest digest);
}
