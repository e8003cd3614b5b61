package dev.regscope.events;

import dev.regscope.core.Digest;
import dev.regscope.manifest.ChildManifest;
import dev.regscope.manifest.Descriptor;
import dev.regscope.manifest.ManifestException;
import dev.regscope.manifest.ManifestParser;
import dev.regscope.manifest.ManifestSummary;
import dev.regscope.storage.StorageLayout;
import dev.regscope.storage.TreeReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads manifests from the storage regscope scans (read-only, like the scan), never from the
 * registry's API: the receiver must not make the registry do work for every event it sends.
 */
public final class StorageManifests implements StoredManifests {
  private static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

  private final StorageLayout layout;
  private final TreeReader reader;

  public StorageManifests(StorageLayout layout, TreeReader reader) {
    this.layout = layout;
    this.reader = reader;
  }

  @Override
  public Optional<List<Reference>> references(Digest digest) {
    ManifestSummary summary;
    try {
      summary = ManifestParser.parse(reader.read(layout.blobData(digest), MAX_MANIFEST_BYTES));
    } catch (IOException | ManifestException e) {
      return Optional.empty(); // a layer, or gone: the caller records what the event itself says
    }
    List<Reference> references = new ArrayList<>();
    summary.config().ifPresent(config -> references.add(reference(config)));
    summary.layers().forEach(layer -> references.add(reference(layer)));
    for (ChildManifest child : summary.children()) {
      references.add(reference(child.descriptor()));
    }
    return Optional.of(references);
  }

  private static Reference reference(Descriptor descriptor) {
    return new Reference(descriptor.digest(), descriptor.mediaType(), descriptor.size());
  }
}
