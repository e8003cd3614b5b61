package dev.regscope.scan;

import dev.regscope.core.Damage;

/**
 * The outcome of measuring a blob file: its size, or the damage that stopped it (already reported).
 */
public sealed interface BlobSize {
  record Measured(long bytes) implements BlobSize {}

  record Failed(Damage damage) implements BlobSize {}
}
