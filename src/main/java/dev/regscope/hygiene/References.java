package dev.regscope.hygiene;

import dev.regscope.core.Digest;
import dev.regscope.manifest.ChildManifest;
import dev.regscope.manifest.Descriptor;
import dev.regscope.manifest.ManifestKind;
import dev.regscope.manifest.ManifestSummary;
import java.util.ArrayList;
import java.util.List;

/** The blobs a manifest references, as registry 2.8's collector marks them. */
final class References {
  private References() {}

  /**
   * An image's config and layers, an index's child manifests (not their layers: the children are
   * revisions of their own), a schema1 manifest's {@code fsLayers}.
   */
  static List<Digest> of(ManifestSummary summary) {
    return references(summary, true);
  }

  /**
   * Like {@link #of}, without foreign (Windows base) and non-distributable layers: the registry
   * never stores those, so they are neither part of a repository's size nor missing.
   */
  static List<Digest> stored(ManifestSummary summary) {
    return references(summary, false);
  }

  private static List<Digest> references(ManifestSummary summary, boolean withForeignLayers) {
    List<Digest> refs = new ArrayList<>();
    summary.config().ifPresent(config -> refs.add(config.digest()));
    for (Descriptor layer : summary.layers()) {
      if (withForeignLayers || !isForeign(layer.mediaType())) {
        refs.add(layer.digest());
      }
    }
    for (ChildManifest child : summary.children()) {
      refs.add(child.descriptor().digest());
    }
    return refs;
  }

  static boolean isForeign(String mediaType) {
    return mediaType != null
        && (mediaType.equals("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip")
            || mediaType.startsWith("application/vnd.oci.image.layer.nondistributable."));
  }

  static boolean isIndex(ManifestSummary summary) {
    return summary.kind() == ManifestKind.INDEX;
  }
}
