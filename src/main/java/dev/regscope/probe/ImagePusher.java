package dev.regscope.probe;

import dev.regscope.registry.BlobContent;
import dev.regscope.registry.DistributionClient;
import dev.regscope.registry.RegistryException;

/** Pushes a {@link SyntheticImage}: every blob, then the manifest under a tag. */
final class ImagePusher {
  private ImagePusher() {}

  static void push(
      DistributionClient client,
      String repository,
      SyntheticImage image,
      String tag,
      Transfer transfer)
      throws RegistryException {
    for (BlobContent blob : image.blobs()) {
      client.pushBlob(repository, blob);
      transfer.add(blob.size());
    }
    client.putManifest(repository, tag, SyntheticImage.MANIFEST_TYPE, image.manifest());
    transfer.add(image.manifest().length);
  }
}
