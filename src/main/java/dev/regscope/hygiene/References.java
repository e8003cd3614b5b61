package dev.regscope.hygiene;

import dev.regscope.core.Digest;
import dev.regscope.manifest.ChildManifest;
import dev.regscope.manifest.Descriptor;
import dev.regscope.manifest.ManifestSummary;
import java.util.ArrayList;
import java.util.List;

/** The blobs a manifest references, as registry 2.8's collector marks them, and as a pull needs. */
final class References {
  private References() {}

  /**
   * What 2.8's {@code manifest.References()} returns: an image's config and layers (foreign ones
   * too: a foreign blob someone uploaded is kept like any other), an index's child manifests (not
   * their layers: the children are revisions of their own), a schema1 manifest's {@code fsLayers}.
   */
  static List<Digest> of(ManifestSummary summary) {
    List<Digest> refs = new ArrayList<>();
    summary.config().ifPresent(config -> refs.add(config.digest()));
    for (Descriptor layer : summary.layers()) {
      refs.add(layer.digest());
    }
    for (ChildManifest child : summary.children()) {
      refs.add(child.descriptor().digest());
    }
    return refs;
  }

  /**
   * The blobs a client fetches from the registry to pull this one manifest's image: config and
   * layers, not the external ones (foreign, non-distributable, or with {@code urls}), which it
   * fetches elsewhere.
   */
  static List<Digest> pulled(ManifestSummary summary) {
    List<Digest> blobs = new ArrayList<>();
    summary
        .config()
        .filter(config -> !config.isExternal())
        .ifPresent(config -> blobs.add(config.digest()));
    for (Descriptor layer : summary.layers()) {
      if (!layer.isExternal()) {
        blobs.add(layer.digest());
      }
    }
    return blobs;
  }
}
