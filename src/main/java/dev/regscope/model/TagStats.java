package dev.regscope.model;

import dev.regscope.storage.Digest;
import java.util.List;

/**
 * A tag whose image could be read completely: its manifest, its layer count and size, and for a multi-platform
 * tag the per-platform breakdown (empty for a single image).
 */
public record TagStats(
    String name, Digest digest, String mediaType, long layers, long sizeBytes, List<PlatformStats> platforms) {
  public TagStats {
    platforms = List.copyOf(platforms);
  }
}
