package dev.regscope.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@link TagTruth} a tag must have, computed from what a test built (the lengths of its own
 * layer byte arrays), never from the registry's answers; comparing it with {@link RegistryTruth}
 * checks the harness itself.
 */
public final class ExpectedTruth {
  private ExpectedTruth() {}

  /**
   * What a tag naming {@code artifact} amounts to, by the rules {@link RegistryTruth} documents.
   */
  public static TagTruth of(Artifact artifact) {
    if (artifact instanceof Image image) {
      return new TagTruth(
          image.digest(), image.mediaType(), image.layerCount(), image.layerBytes(), List.of());
    }
    List<PlatformTruth> platforms = new ArrayList<>();
    collect((Index) artifact, platforms);
    return new TagTruth(
        artifact.digest(),
        artifact.mediaType(),
        platforms.stream().mapToInt(PlatformTruth::layers).sum(),
        platforms.stream().mapToLong(PlatformTruth::sizeBytes).sum(),
        platforms);
  }

  private static void collect(Index index, List<PlatformTruth> platforms) {
    for (Index.Child child : index.children()) {
      if (child.target() instanceof Index nested) {
        collect(nested, platforms);
      } else {
        Image image = (Image) child.target();
        Platform platform = child.platform() == null ? Platform.UNKNOWN : child.platform();
        platforms.add(
            new PlatformTruth(
                platform.toString(), image.digest(), image.layerCount(), image.layerBytes()));
      }
    }
  }
}
