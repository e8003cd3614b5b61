package dev.regscope.testing;

/** Something pushed as a manifest: an {@link Image} or an {@link Index}. */
public sealed interface Artifact permits Image, Index {

  Blob manifest();

  default String digest() {
    return manifest().digest();
  }

  /** The manifest's media type, which is also the Content-Type of its PUT. */
  default String mediaType() {
    return manifest().mediaType();
  }

  /**
   * Pushes what the manifest references (blobs, child manifests) into {@code repo}; the registry
   * checks they exist.
   */
  void pushReferences(RegistryClient client, String repo);

  /**
   * Pushes everything this manifest needs into {@code repo}, then the manifest under {@code tag};
   * returns its digest.
   */
  default String push(RegistryClient client, String repo, String tag) {
    pushReferences(client, repo);
    return putManifest(client, repo, tag);
  }

  /**
   * Like {@link #push}, but with the manifest stored under its digest only, as a child of an index
   * is.
   */
  default String pushByDigest(RegistryClient client, String repo) {
    pushReferences(client, repo);
    return putManifest(client, repo, digest());
  }

  private String putManifest(RegistryClient client, String repo, String reference) {
    String stored = client.putManifest(repo, reference, manifest());
    if (!stored.equals(digest())) {
      // The registry must store manifests byte for byte; a different digest means it rewrote ours.
      throw new AssertionError(
          "registry stored " + repo + ":" + reference + " as " + stored + ", we sent " + digest());
    }
    return stored;
  }
}
