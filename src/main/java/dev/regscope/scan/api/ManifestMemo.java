package dev.regscope.scan.api;

import dev.regscope.core.Damage;
import dev.regscope.core.Digest;
import dev.regscope.manifest.ManifestSummary;
import dev.regscope.registry.RegistryException;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the registry's answers said about each manifest and blob digest, kept between scans: content
 * addressed by digest never changes, so a manifest is fetched once and never revalidated, and a
 * schema1 layer is measured once. A manifest that is not there (404) is not remembered: it may be
 * pushed later. Concurrent requests for one digest share one fetch.
 */
final class ManifestMemo {
  /** What a manifest digest turned out to be. */
  sealed interface Known {}

  /** A manifest whose bytes matched its digest and parsed; {@code size} is its byte length. */
  record Parsed(ManifestSummary summary, long size) implements Known {}

  /** Bytes that matched their digest but are no manifest regscope can read. */
  record Unreadable(Damage damage, String message) implements Known {}

  /** The registry has no such manifest in the repository asked (not remembered). */
  record Missing() implements Known {}

  /** Fetches a manifest when it is not known yet. */
  interface Fetch {
    Known fetch() throws RegistryException;
  }

  private final Map<Digest, Known> manifests = new ConcurrentHashMap<>();
  private final Map<Digest, CompletableFuture<Known>> inFlight = new ConcurrentHashMap<>();
  private final Map<Digest, Long> blobSizes = new ConcurrentHashMap<>();

  /** What {@code digest} is, from memory or from {@code fetch}, fetched once however many ask. */
  Known manifest(Digest digest, Fetch fetch) throws RegistryException {
    Known known = manifests.get(digest);
    if (known != null) {
      return known;
    }
    CompletableFuture<Known> mine = new CompletableFuture<>();
    CompletableFuture<Known> other = inFlight.putIfAbsent(digest, mine);
    if (other != null) {
      try {
        Known shared = other.join();
        // Missing in the repository that fetched it says nothing about this one.
        return shared instanceof Missing ? fetchAlone(digest, fetch) : shared;
      } catch (CompletionException e) {
        return fetchAlone(digest, fetch);
      }
    }
    try {
      known = fetchAlone(digest, fetch);
      mine.complete(known);
      return known;
    } catch (RegistryException | RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(digest, mine);
    }
  }

  private Known fetchAlone(Digest digest, Fetch fetch) throws RegistryException {
    Known known = manifests.get(digest);
    if (known != null) {
      return known;
    }
    known = fetch.fetch();
    if (!(known instanceof Missing)) {
      manifests.put(digest, known);
    }
    return known;
  }

  /** The summary of a manifest known to parse. */
  java.util.Optional<ManifestSummary> summary(Digest digest) {
    return manifests.get(digest) instanceof Parsed parsed
        ? java.util.Optional.of(parsed.summary())
        : java.util.Optional.empty();
  }

  /** The byte length of a manifest known to parse, or the measured size of a blob. */
  OptionalLong size(Digest digest) {
    if (manifests.get(digest) instanceof Parsed parsed) {
      return OptionalLong.of(parsed.size());
    }
    Long blob = blobSizes.get(digest);
    return blob == null ? OptionalLong.empty() : OptionalLong.of(blob);
  }

  OptionalLong blobSize(Digest digest) {
    Long size = blobSizes.get(digest);
    return size == null ? OptionalLong.empty() : OptionalLong.of(size);
  }

  void blobSize(Digest digest, long size) {
    blobSizes.put(digest, size);
  }

  /** Forgets what the last scan did not use, so memory follows the registry. */
  void retainOnly(Set<Digest> usedManifests, Set<Digest> usedBlobs) {
    manifests.keySet().retainAll(usedManifests);
    blobSizes.keySet().retainAll(usedBlobs);
  }

  int manifestCount() {
    return manifests.size();
  }
}
