package dev.regscope.scan.api;

import dev.regscope.core.Damage;
import dev.regscope.core.Digest;
import dev.regscope.manifest.Descriptor;
import dev.regscope.manifest.ManifestException;
import dev.regscope.manifest.ManifestParser;
import dev.regscope.manifest.ManifestSummary;
import dev.regscope.registry.DistributionClient;
import dev.regscope.registry.Manifest;
import dev.regscope.registry.RegistryException;
import dev.regscope.scan.BlobSize;
import dev.regscope.scan.ImageResolver;
import dev.regscope.scan.ManifestResult;
import dev.regscope.scan.ScanProblems;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The manifests and blob sizes of one repository as the registry serves them, for the {@link
 * ImageResolver}: known digests from the {@link ManifestMemo}, new ones by {@code GET} (bytes
 * checked against the digest by the client), schema1 layer sizes by blob {@code HEAD}. Damage in
 * what the registry serves becomes problems named by the API path; a failed call is thrown as an
 * {@link ApiFailure}.
 */
final class RemoteManifests
    implements ImageResolver.Manifests, ImageResolver.BlobSizes, ImageResolver.Damaged {
  private final DistributionClient client;
  private final String repository;
  private final ManifestMemo memo;
  private final ScanProblems problems;
  private final Set<Digest> usedManifests;
  private final Set<Digest> usedBlobs;
  private final Map<Digest, Long> declaredSizes;

  /**
   * @param usedManifests every manifest this scan needed, added to here
   * @param usedBlobs every schema1 layer this scan measured, added to here
   * @param declaredSizes the sizes manifests declare for their configs and layers, added to here
   */
  RemoteManifests(
      DistributionClient client,
      String repository,
      ManifestMemo memo,
      ScanProblems problems,
      Set<Digest> usedManifests,
      Set<Digest> usedBlobs,
      Map<Digest, Long> declaredSizes) {
    this.client = client;
    this.repository = repository;
    this.memo = memo;
    this.problems = problems;
    this.usedManifests = usedManifests;
    this.usedBlobs = usedBlobs;
    this.declaredSizes = declaredSizes;
  }

  /** Where a manifest lives in the API: how problems name it. */
  static Path path(String repository, Digest digest) {
    return Path.of("/v2/" + repository + "/manifests/" + digest);
  }

  @Override
  public ManifestResult get(Digest digest) {
    usedManifests.add(digest);
    ManifestMemo.Known known;
    try {
      known = memo.manifest(digest, () -> fetch(digest));
    } catch (RegistryException e) {
      throw new ApiFailure(e);
    }
    if (known instanceof ManifestMemo.Parsed parsed) {
      for (Descriptor blob : parsed.summary().layers()) {
        declare(blob);
      }
      parsed.summary().config().ifPresent(this::declare);
      return new ManifestResult.Found(parsed.summary());
    }
    if (known instanceof ManifestMemo.Unreadable unreadable) {
      problems.add(path(repository, digest), unreadable.damage(), unreadable.message());
      return new ManifestResult.Failed(unreadable.damage());
    }
    // Not served here (404): the registry's state, as a missing revision is on storage, so a
    // broken tag and no problem.
    return new ManifestResult.Failed(Damage.MISSING_MANIFEST);
  }

  private void declare(Descriptor blob) {
    if (blob.hasSize() && blob.size() >= 0) {
      declaredSizes.putIfAbsent(blob.digest(), blob.size());
    }
  }

  private ManifestMemo.Known fetch(Digest digest) throws RegistryException {
    Manifest manifest;
    try {
      manifest = client.getManifest(repository, digest.toString());
    } catch (RegistryException e) {
      if (e.status().orElse(0) == 404) {
        return new ManifestMemo.Missing();
      }
      throw e;
    }
    byte[] bytes = manifest.bytes();
    try {
      ManifestSummary summary = ManifestParser.parse(bytes);
      return new ManifestMemo.Parsed(summary, bytes.length);
    } catch (ManifestException e) {
      return new ManifestMemo.Unreadable(e.damage(), "manifest " + digest + " " + e.getMessage());
    }
  }

  @Override
  public BlobSize size(Digest digest) {
    usedBlobs.add(digest);
    OptionalLong known = memo.blobSize(digest);
    if (known.isPresent()) {
      return new BlobSize.Measured(known.getAsLong());
    }
    OptionalLong measured;
    try {
      measured = client.headBlob(repository, digest);
    } catch (RegistryException e) {
      throw new ApiFailure(e);
    }
    if (measured.isEmpty()) {
      problems.add(
          Path.of("/v2/" + repository + "/blobs/" + digest),
          Damage.MISSING_BLOB,
          "layer blob " + digest + " of a schema1 manifest is not served (404)");
      return new BlobSize.Failed(Damage.MISSING_BLOB);
    }
    memo.blobSize(digest, measured.getAsLong());
    return new BlobSize.Measured(measured.getAsLong());
  }

  @Override
  public void report(Digest manifest, Damage damage, String message) {
    problems.add(path(repository, manifest), damage, "manifest " + manifest + " " + message);
  }
}
