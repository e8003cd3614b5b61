package dev.regscope.model;

import dev.regscope.core.Digest;
import java.time.Instant;
import java.util.List;

/**
 * A tag whose image could be read completely: its manifest, its layer count and size, for a
 * multi-platform tag the per-platform breakdown (empty for a single image), and when the tag was
 * pointed at this manifest (the modification time of its link; null if unknown).
 */
public record TagStats(
    String name,
    Digest digest,
    String mediaType,
    long layers,
    long sizeBytes,
    List<PlatformStats> platforms,
    Instant pushedAt) {
  public TagStats {
    platforms = List.copyOf(platforms);
  }

  public TagStats(
      String name,
      Digest digest,
      String mediaType,
      long layers,
      long sizeBytes,
      List<PlatformStats> platforms) {
    this(name, digest, mediaType, layers, sizeBytes, platforms, null);
  }
}
