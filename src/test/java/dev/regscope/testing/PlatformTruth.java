package dev.regscope.testing;

import java.util.Objects;

/**
 * One image reached from an index: the platform its entry names ({@code os/architecture[/variant]},
 * {@code unknown/unknown} for attestations and entries without one), its digest, layer entries and
 * bytes.
 */
public record PlatformTruth(String platform, String digest, int layers, long sizeBytes) {

  public PlatformTruth {
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(digest, "digest");
  }
}
