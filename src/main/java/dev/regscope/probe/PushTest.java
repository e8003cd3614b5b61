package dev.regscope.probe;

import dev.regscope.registry.DistributionClient;
import dev.regscope.registry.ErrorClass;
import dev.regscope.registry.ManifestHead;
import dev.regscope.registry.RegistryException;
import java.security.SecureRandom;
import java.util.OptionalLong;

/**
 * {@code push}: fresh random content (no layer can be skipped by the registry's deduplication) to
 * {@code :push-<node>}: the blobs, the config, the manifest, then a {@code HEAD} of the tag and of
 * each layer to confirm what the registry holds. Retries of one test push the same content.
 */
final class PushTest implements ProbeTest {
  private static final SecureRandom SEEDS = new SecureRandom();

  private final ProbeTarget target;
  private final ProbeSettings settings;
  private final Cleanup cleanup;
  private SyntheticImage image;

  PushTest(ProbeTarget target, ProbeSettings settings, Cleanup cleanup) {
    this.target = target;
    this.settings = settings;
    this.cleanup = cleanup;
  }

  @Override
  public ProbeType type() {
    return ProbeType.PUSH;
  }

  @Override
  public void run(DistributionClient client, Transfer transfer, int attempt)
      throws RegistryException {
    if (attempt == 1 || image == null) {
      image = SyntheticImage.create("push", SEEDS.nextLong(), settings.pushSize());
    }
    String repository = target.repository();
    String tag = settings.pushTag();
    cleanup.uploading(image);
    ImagePusher.push(client, repository, image, tag, transfer);
    cleanup.tagged(image);
    ManifestHead head =
        client
            .headManifest(repository, tag)
            .orElseThrow(
                () -> failure("answers no manifest for :" + tag + " right after its push"));
    if (!head.digest().equals(image.digest())) {
      throw failure(
          "answers :" + tag + " with " + head.digest() + ", not the pushed " + image.digest());
    }
    long layerBytes = 0;
    for (SeededBlob layer : image.layers()) {
      OptionalLong size = client.headBlob(repository, layer.digest());
      if (size.isEmpty() || size.getAsLong() != layer.size()) {
        throw failure(
            "reports layer "
                + layer.digest()
                + " as "
                + (size.isEmpty() ? "missing" : size.getAsLong() + " bytes")
                + " after pushing "
                + layer.size());
      }
      layerBytes += size.getAsLong();
    }
    transfer.imageSize(layerBytes);
  }

  private RegistryException failure(String what) {
    return RegistryException.of(ErrorClass.SERVER_ERROR, target + " " + what, null);
  }
}
