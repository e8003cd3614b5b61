package dev.regscope.scan;

import dev.regscope.core.Damage;
import dev.regscope.manifest.ManifestSummary;

/** The outcome of looking up a manifest blob: its summary, or the damage that stopped it. */
public sealed interface ManifestResult {
  record Found(ManifestSummary summary) implements ManifestResult {}

  record Failed(Damage damage) implements ManifestResult {}
}
