package dev.regscope.manifest;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The manifest media types a Distribution 2.8 registry stores. */
public final class MediaTypes {
  public static final String DOCKER_MANIFEST_V2 =
      "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_MANIFEST_V1 =
      "application/vnd.docker.distribution.manifest.v1+json";
  public static final String DOCKER_MANIFEST_V1_SIGNED =
      "application/vnd.docker.distribution.manifest.v1+prettyjws";
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

  /**
   * Media types seen, shared: a large registry repeats a handful of them hundreds of thousands of
   * times.
   */
  private static final Map<String, String> POOL = new ConcurrentHashMap<>();

  private static final int POOL_LIMIT = 4096;

  private MediaTypes() {}

  /**
   * One shared instance per distinct media type (bounded, so hostile manifests cannot grow it
   * forever).
   */
  static String canonical(String mediaType) {
    if (mediaType == null) {
      return null;
    }
    String known = POOL.get(mediaType);
    if (known != null) {
      return known;
    }
    if (POOL.size() < POOL_LIMIT) {
      known = POOL.putIfAbsent(mediaType, mediaType);
    }
    return known != null ? known : mediaType;
  }

  static boolean isImage(String mediaType) {
    return DOCKER_MANIFEST_V2.equals(mediaType) || OCI_MANIFEST.equals(mediaType);
  }

  static boolean isIndex(String mediaType) {
    return DOCKER_MANIFEST_LIST.equals(mediaType) || OCI_INDEX.equals(mediaType);
  }

  static boolean isSchema1(String mediaType) {
    return DOCKER_MANIFEST_V1.equals(mediaType) || DOCKER_MANIFEST_V1_SIGNED.equals(mediaType);
  }
}
