package dev.regscope.probe;

import dev.regscope.core.Digest;
import dev.regscope.registry.DistributionClient;
import dev.regscope.registry.ErrorClass;
import dev.regscope.registry.Manifest;
import dev.regscope.registry.RegistryException;

/** {@code metadata}: re-tags {@code :pull} as {@code :metadata-<node>} by a PUT of its bytes. */
final class MetadataTest implements ProbeTest {
  private final ProbeTarget target;
  private final ProbeSettings settings;

  MetadataTest(ProbeTarget target, ProbeSettings settings) {
    this.target = target;
    this.settings = settings;
  }

  @Override
  public ProbeType type() {
    return ProbeType.METADATA;
  }

  @Override
  public void run(DistributionClient client, Transfer transfer, int attempt)
      throws RegistryException {
    Manifest source = client.getManifest(target.repository(), ProbeSettings.PULL_TAG);
    transfer.add(source.size());
    Digest stored =
        client.putManifest(
            target.repository(), settings.metadataTag(), source.mediaType(), source.bytes());
    transfer.add(source.size());
    if (!stored.equals(source.digest())) {
      throw RegistryException.of(
          ErrorClass.SERVER_ERROR,
          target + ":" + settings.metadataTag() + " became " + stored + ", not " + source.digest(),
          null);
    }
  }
}
