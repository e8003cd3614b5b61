package dev.regscope.hygiene;

import dev.regscope.manifest.Descriptor;
import dev.regscope.manifest.ManifestSummary;
import dev.regscope.model.ReferrerKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Tells what a referrer carries from the media types tools write: cosign, Notation and Sigstore
 * signatures; SPDX and CycloneDX SBOMs; in-toto and DSSE attestations.
 */
final class ReferrerKinds {
  private ReferrerKinds() {}

  /** The kind, from {@code artifactType}, then the config's and the layers' media types. */
  static ReferrerKind of(Optional<ManifestSummary> summary) {
    if (summary.isEmpty()) {
      return ReferrerKind.OTHER;
    }
    List<String> types = new ArrayList<>();
    types.add(summary.get().artifactType());
    summary.get().config().map(Descriptor::mediaType).ifPresent(types::add);
    summary.get().layers().forEach(layer -> types.add(layer.mediaType()));
    for (String type : types) {
      ReferrerKind kind = ofType(type);
      if (kind != ReferrerKind.OTHER) {
        return kind;
      }
    }
    return ReferrerKind.OTHER;
  }

  static ReferrerKind ofType(String mediaType) {
    if (mediaType == null) {
      return ReferrerKind.OTHER;
    }
    String type = mediaType.toLowerCase(Locale.ROOT);
    if (type.contains("signature")
        || type.contains("simplesigning")
        || type.contains("cosign.artifact.sig")
        || type.contains("sigstore.bundle")) {
      return ReferrerKind.SIGNATURE;
    }
    if (type.contains("spdx") || type.contains("cyclonedx") || type.contains("sbom")) {
      return ReferrerKind.SBOM;
    }
    if (type.contains("in-toto")
        || type.contains("intoto")
        || type.contains("dsse")
        || type.contains("attestation")
        || type.contains("provenance")) {
      return ReferrerKind.ATTESTATION;
    }
    return ReferrerKind.OTHER;
  }
}
