package dev.regscope.manifest;

import dev.regscope.core.Digest;

/**
 * A reference from a manifest to a blob or another manifest; {@code size} is -1 where the format
 * has none (schema1), {@code hasUrls} whether it names {@code urls} to fetch the blob from instead.
 */
public record Descriptor(String mediaType, Digest digest, long size, boolean hasUrls) {
  public static final long UNKNOWN_SIZE = -1;

  private static final String DOCKER_FOREIGN_LAYER =
      "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
  private static final String OCI_NONDISTRIBUTABLE_PREFIX =
      "application/vnd.oci.image.layer.nondistributable.";

  public Descriptor(String mediaType, Digest digest, long size) {
    this(mediaType, digest, size, false);
  }

  public boolean hasSize() {
    return size != UNKNOWN_SIZE;
  }

  /**
   * Whether the blob lives outside the registry: a foreign (Windows base) or non-distributable
   * layer, or any layer that names {@code urls}. Registry 2.8 accepts such a manifest without the
   * blob (foreign layers once {@code validation.manifests.urls.allow} is set), so its absence from
   * the store is no damage; its declared size still counts.
   */
  public boolean isExternal() {
    return hasUrls
        || (mediaType != null
            && (mediaType.equals(DOCKER_FOREIGN_LAYER)
                || mediaType.startsWith(OCI_NONDISTRIBUTABLE_PREFIX)));
  }
}
