package dev.regscope.manifest;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one manifest contributes to the numbers: its kind, its layers (in manifest order, repeats
 * kept) and its children; for an OCI 1.1 referrer (a signature, an SBOM), the manifest it refers to
 * ({@code subject}) and its {@code artifactType} (null when absent). Manifests are
 * content-addressed, so a summary never goes stale and can be cached by digest.
 */
public record ManifestSummary(
    ManifestKind kind,
    String mediaType,
    Optional<Descriptor> config,
    List<Descriptor> layers,
    List<ChildManifest> children,
    Optional<Descriptor> subject,
    String artifactType) {

  public ManifestSummary {
    Objects.requireNonNull(kind);
    Objects.requireNonNull(mediaType);
    Objects.requireNonNull(subject);
    layers = List.copyOf(layers);
    children = List.copyOf(children);
  }

  public ManifestSummary(
      ManifestKind kind,
      String mediaType,
      Optional<Descriptor> config,
      List<Descriptor> layers,
      List<ChildManifest> children) {
    this(kind, mediaType, config, layers, children, Optional.empty(), null);
  }

  static ManifestSummary image(
      String mediaType,
      Descriptor config,
      List<Descriptor> layers,
      Optional<Descriptor> subject,
      String artifactType) {
    return new ManifestSummary(
        ManifestKind.IMAGE,
        mediaType,
        Optional.of(config),
        layers,
        List.of(),
        subject,
        artifactType);
  }

  static ManifestSummary index(
      String mediaType,
      List<ChildManifest> children,
      Optional<Descriptor> subject,
      String artifactType) {
    return new ManifestSummary(
        ManifestKind.INDEX,
        mediaType,
        Optional.empty(),
        List.of(),
        children,
        subject,
        artifactType);
  }

  static ManifestSummary schema1(String mediaType, List<Descriptor> fsLayers) {
    return new ManifestSummary(
        ManifestKind.SCHEMA1, mediaType, Optional.empty(), fsLayers, List.of());
  }
}
