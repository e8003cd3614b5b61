package dev.regscope.model;

/**
 * What an OCI 1.1 referrer (a manifest with a {@code subject}) carries, from its {@code
 * artifactType}, config or layer media types; the {@code kind} label of the referrer series.
 */
public enum ReferrerKind {
  SIGNATURE("signature"),
  SBOM("sbom"),
  ATTESTATION("attestation"),
  OTHER("other");

  private final String label;

  ReferrerKind(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
