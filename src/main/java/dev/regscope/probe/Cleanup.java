package dev.regscope.probe;

import dev.regscope.core.Digest;
import dev.regscope.manifest.Descriptor;
import dev.regscope.manifest.ManifestException;
import dev.regscope.manifest.ManifestParser;
import dev.regscope.manifest.ManifestSummary;
import dev.regscope.registry.BlobContent;
import dev.regscope.registry.DistributionClient;
import dev.regscope.registry.ErrorClass;
import dev.regscope.registry.Manifest;
import dev.regscope.registry.RegistryException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the push test left behind, deleted by digest: once a push moves {@code :push-<node>}, the
 * image it replaced (manifest, then blobs); blobs of pushes that never got their manifest. Only
 * content the probes made is deleted, and a manifest only once no probe tag of this node points at
 * it. A registry that refuses deletes (405 or {@code UNSUPPORTED}) while it accepts pushes is
 * remembered: from then on tags are only overwritten. Called by one cycle thread at a time.
 */
final class Cleanup {
  private static final Logger LOG = LoggerFactory.getLogger(Cleanup.class);

  /** Beyond this many leftovers (deletes failing for long), the oldest are forgotten, logged. */
  static final int MAX_GARBAGE = 256;

  /** Content to delete: a manifest (if it was stored) and the blobs it references. */
  record Made(Optional<Digest> manifest, List<Digest> blobs) {
    static Made of(SyntheticImage image, boolean tagged) {
      return new Made(
          tagged ? Optional.of(image.digest()) : Optional.empty(),
          image.blobs().stream().map(BlobContent::digest).toList());
    }
  }

  private final ProbeTarget target;
  private final ProbeSettings settings;
  private final Deque<Made> garbage = new ArrayDeque<>();
  private Made current;
  private SyntheticImage uploading;
  private boolean adopted;
  private boolean deletesUnsupported;

  Cleanup(ProbeTarget target, ProbeSettings settings) {
    this.target = target;
    this.settings = settings;
  }

  /**
   * Once: learns what {@code :push-<node>} holds from an earlier run of this node, so it is deleted
   * when the first push replaces it.
   */
  void adopt(DistributionClient client) {
    if (adopted) {
      return;
    }
    try {
      Manifest manifest = client.getManifest(target.repository(), settings.pushTag());
      ManifestSummary summary = ManifestParser.parse(manifest.bytes());
      List<Digest> blobs = new ArrayList<>();
      summary.config().ifPresent(config -> blobs.add(config.digest()));
      summary.layers().stream().map(Descriptor::digest).forEach(blobs::add);
      current = new Made(Optional.of(manifest.digest()), blobs);
      adopted = true;
    } catch (RegistryException e) {
      adopted = e.errorClass() == ErrorClass.NOT_FOUND; // else: try again next cycle
    } catch (ManifestException e) {
      adopted = true; // not a manifest the probes made: leave it alone
    }
  }

  /** The push test is about to upload {@code image}'s blobs. */
  void uploading(SyntheticImage image) {
    if (uploading != null && uploading != image) {
      remember(Made.of(uploading, false));
    }
    uploading = image;
  }

  /** {@code :push-<node>} now names {@code image}: what it named before is garbage. */
  void tagged(SyntheticImage image) {
    if (current != null && !current.manifest().equals(Optional.of(image.digest()))) {
      remember(current);
    }
    current = Made.of(image, true);
    uploading = null;
    adopted = true;
  }

  /**
   * Deletes the garbage; {@code writable} says the push of this cycle succeeded, so a refused
   * delete means deletes are off (a read-only registry refuses every write alike).
   */
  void sweep(DistributionClient client, boolean writable) {
    if (uploading != null) {
      remember(Made.of(uploading, false));
      uploading = null;
    }
    if (deletesUnsupported) {
      garbage.clear();
      return;
    }
    while (!garbage.isEmpty()) {
      Made made = garbage.peekFirst();
      try {
        delete(client, made);
        garbage.removeFirst();
      } catch (RegistryException e) {
        if (e.unsupported() && writable) {
          deletesUnsupported = true;
          garbage.clear();
          LOG.info(
              "{} does not allow deletes ({}): the probes' tags are only overwritten from now on",
              target,
              e.getMessage());
        } else {
          LOG.debug("cleanup of {} postponed: {}", target, e.getMessage());
        }
        return;
      }
    }
  }

  /**
   * At shutdown: deletes this node's tags, {@code :push-<node>} with its content and {@code
   * :metadata-<node>} (by tag where the registry allows it; else the tag is moved to a throwaway
   * manifest and that is deleted, since deleting {@code :pull}'s digest would take {@code :pull}).
   */
  void removeNodeTags(DistributionClient client) {
    if (current != null) {
      remember(current);
      current = null;
    }
    sweep(client, true);
    if (deletesUnsupported) {
      LOG.info("{} does not allow deletes: the tags of node {} stay", target, settings.node());
      return;
    }
    String tag = settings.metadataTag();
    try {
      if (client.headManifest(target.repository(), tag).isEmpty()) {
        return;
      }
      try {
        client.deleteTag(target.repository(), tag);
      } catch (RegistryException refused) {
        if (refused.errorClass() == ErrorClass.NOT_FOUND) {
          return;
        }
        SyntheticImage throwaway = SyntheticImage.create("cleanup", System.nanoTime(), 2);
        ImagePusher.push(client, target.repository(), throwaway, tag, new Transfer());
        delete(client, Made.of(throwaway, true));
      }
      LOG.info("deleted {}:{} and {}:{}", target, settings.pushTag(), target, tag);
    } catch (RegistryException e) {
      LOG.warn("cannot delete {}:{}: {}", target, tag, e.getMessage());
    }
  }

  boolean deletesUnsupported() {
    return deletesUnsupported;
  }

  /** How much is waiting to be deleted. */
  int pending() {
    return garbage.size();
  }

  private void remember(Made made) {
    garbage.addLast(made);
    while (garbage.size() > MAX_GARBAGE) {
      Made dropped = garbage.removeFirst();
      LOG.warn("{}: giving up deleting {}; deletes have failed for long", target, dropped);
    }
  }

  private void delete(DistributionClient client, Made made) throws RegistryException {
    if (made.manifest().isPresent()) {
      ignoreMissing(() -> client.deleteManifest(target.repository(), made.manifest().get()));
    }
    for (Digest blob : made.blobs()) {
      ignoreMissing(() -> client.deleteBlob(target.repository(), blob));
    }
  }

  private interface Delete {
    void run() throws RegistryException;
  }

  private static void ignoreMissing(Delete delete) throws RegistryException {
    try {
      delete.run();
    } catch (RegistryException e) {
      if (e.errorClass() != ErrorClass.NOT_FOUND) {
        throw e;
      }
    }
  }
}
