package dev.regscope.testing;

/**
 * The media types the harness writes; the registry insists that a manifest PUT's Content-Type
 * equals its mediaType.
 */
public final class MediaTypes {
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  public static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";

  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

  /** A Windows base layer clients fetch from its URL, never pushed to the registry. */
  public static final String DOCKER_FOREIGN_LAYER =
      "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

  /** The empty config of OCI 1.1 artifacts ({@code {}}). */
  public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";

  /** A signed Docker schema1 manifest, as registry 2.8 serves one. */
  public static final String SCHEMA1_SIGNED =
      "application/vnd.docker.distribution.manifest.v1+prettyjws";

  /** A Helm chart's config and content, pushed as an OCI artifact. */
  public static final String HELM_CONFIG = "application/vnd.cncf.helm.config.v1+json";

  public static final String HELM_CHART = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

  /** A cosign signature's layer (the simple-signing payload). */
  public static final String COSIGN_SIGNATURE = "application/vnd.dev.cosign.simplesigning.v1+json";

  /** The layer type of BuildKit's attestation manifests (an in-toto statement, not a tarball). */
  public static final String IN_TOTO = "application/vnd.in-toto+json";

  /**
   * Everything a manifest GET should accept; 2.8 rewrites an index into one platform's image for
   * clients that omit it.
   */
  static final String ACCEPT_ALL_MANIFESTS =
      String.join(", ", OCI_INDEX, DOCKER_MANIFEST_LIST, OCI_MANIFEST, DOCKER_MANIFEST);

  private MediaTypes() {}
}
