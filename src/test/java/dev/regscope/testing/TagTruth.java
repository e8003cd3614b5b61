package dev.regscope.testing;

import java.util.List;
import java.util.Objects;

/**
 * What a tag amounts to according to the registry's HTTP API: the manifest it names, the number of
 * layer entries and their total bytes (over all children for an index), and per image child its
 * platform. {@code platforms} is empty for a tag that names an image manifest.
 */
public record TagTruth(
    String digest, String mediaType, int layers, long sizeBytes, List<PlatformTruth> platforms) {

  public TagTruth {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(mediaType, "mediaType");
    platforms = List.copyOf(platforms);
  }
}
