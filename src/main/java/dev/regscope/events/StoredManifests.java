package dev.regscope.events;

import dev.regscope.core.Digest;
import java.util.List;
import java.util.Optional;

/** What the event receiver may learn from the registry's storage when an event does not say it. */
public interface StoredManifests {
  /** Nothing is known: no storage at hand. */
  StoredManifests NONE = digest -> Optional.empty();

  /**
   * The references of the manifest stored under {@code digest}; empty when that is not a readable
   * manifest.
   */
  Optional<List<Reference>> references(Digest digest);
}
