package dev.regscope.manifest;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one manifest contributes to the numbers: its kind, its layers (in manifest order, repeats
 * kept) and its children. Manifests are content-addressed, so a summary never goes stale and can be
 * cached by digest.
 */
public record ManifestSummary(
    ManifestKind kind,
    String mediaType,
    Optional<Descriptor> config,
    List<Descriptor> layers,
    List<ChildManifest> children) {

  public ManifestSummary {
    Objects.requireNonNull(kind);
    Objects.requireNonNull(mediaType);
    layers = List.copyOf(layers);
    children = List.copyOf(children);
  }

  static ManifestSummary image(String mediaType, Descriptor config, List<Descriptor> layers) {
    return new ManifestSummary(
        ManifestKind.IMAGE, mediaType, Optional.of(config), layers, List.of());
  }

  static ManifestSummary index(String mediaType, List<ChildManifest> children) {
    return new ManifestSummary(
        ManifestKind.INDEX, mediaType, Optional.empty(), List.of(), children);
  }

  static ManifestSummary schema1(String mediaType, List<Descriptor> fsLayers) {
    return new ManifestSummary(
        ManifestKind.SCHEMA1, mediaType, Optional.empty(), fsLayers, List.of());
  }
}
