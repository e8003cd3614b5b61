package dev.regscope.scan;

import dev.regscope.manifest.ManifestSummary;
import dev.regscope.core.Damage;

/** The outcome of looking up a manifest blob: its summary, or the damage that stopped it. */
sealed interface ManifestResult {
  record Found(ManifestSummary summary) implements ManifestResult {}

  record Failed(Damage damage) implements ManifestResult {}
}
