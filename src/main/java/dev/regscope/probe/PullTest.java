package dev.regscope.probe;

import dev.regscope.core.Digest;
import dev.regscope.manifest.ChildManifest;
import dev.regscope.manifest.Descriptor;
import dev.regscope.manifest.ManifestException;
import dev.regscope.manifest.ManifestKind;
import dev.regscope.manifest.ManifestParser;
import dev.regscope.manifest.ManifestSummary;
import dev.regscope.registry.DistributionClient;
import dev.regscope.registry.ErrorClass;
import dev.regscope.registry.Manifest;
import dev.regscope.registry.RegistryException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pull}: the {@code :pull} manifest, then every blob it references (an index: every child
 * and their blobs), each checked against its digest and size while it streams. If {@code :pull} is
 * missing, it is pushed (the target's fixed image) and pulled again, as Konflux does.
 */
final class PullTest implements ProbeTest {
  private static final Logger LOG = LoggerFactory.getLogger(PullTest.class);

  private final ProbeTarget target;
  private final SyntheticImage pullImage;

  PullTest(ProbeTarget target, SyntheticImage pullImage) {
    this.target = target;
    this.pullImage = pullImage;
  }

  @Override
  public ProbeType type() {
    return ProbeType.PULL;
  }

  @Override
  public void run(DistributionClient client, Transfer transfer, int attempt)
      throws RegistryException {
    String repository = target.repository();
    Manifest manifest;
    try {
      manifest = client.getManifest(repository, ProbeSettings.PULL_TAG);
    } catch (RegistryException e) {
      if (e.errorClass() != ErrorClass.NOT_FOUND) {
        throw e;
      }
      LOG.info("{}:{} is missing; pushing it", target, ProbeSettings.PULL_TAG);
      ImagePusher.push(client, repository, pullImage, ProbeSettings.PULL_TAG, transfer);
      manifest = client.getManifest(repository, ProbeSettings.PULL_TAG);
    }
    transfer.add(manifest.size());
    List<ManifestSummary> images = new ArrayList<>();
    ManifestSummary top = parse(manifest);
    if (top.kind() == ManifestKind.INDEX) {
      for (ChildManifest child : top.children()) {
        Manifest fetched = client.getManifest(repository, child.descriptor().digest().toString());
        transfer.add(fetched.size());
        images.add(parse(fetched));
      }
    } else {
      images.add(top);
    }
    Map<Digest, Long> blobs = new LinkedHashMap<>();
    long layerBytes = 0;
    for (ManifestSummary image : images) {
      image.config().ifPresent(config -> blobs.putIfAbsent(config.digest(), config.size()));
      for (Descriptor layer : image.layers()) {
        blobs.putIfAbsent(layer.digest(), layer.size());
        layerBytes += Math.max(0, layer.size());
      }
    }
    for (Map.Entry<Digest, Long> blob : blobs.entrySet()) {
      client.getBlob(
          repository, blob.getKey(), blob.getValue(), chunk -> transfer.add(chunk.remaining()));
    }
    transfer.imageSize(layerBytes);
  }

  private ManifestSummary parse(Manifest manifest) throws RegistryException {
    try {
      return ManifestParser.parse(manifest.bytes());
    } catch (ManifestException e) {
      throw RegistryException.of(
          ErrorClass.SERVER_ERROR,
          "manifest " + manifest.digest() + " of " + target + " " + e.getMessage(),
          e);
    }
  }
}
