package dev.regscope.scan;

import dev.regscope.core.Damage;
import dev.regscope.core.Digest;
import dev.regscope.hygiene.ManifestLookup;
import dev.regscope.manifest.ManifestException;
import dev.regscope.manifest.ManifestParser;
import dev.regscope.manifest.ManifestSummary;
import dev.regscope.storage.FileTooLargeException;
import dev.regscope.storage.StorageLayout;
import dev.regscope.storage.TreeReader;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads manifest blobs (through the cache) and blob sizes for one scan, turning every failure into
 * a problem.
 */
final class ManifestStore
    implements ImageResolver.Manifests,
        ImageResolver.BlobSizes,
        ImageResolver.Damaged,
        ManifestLookup {
  /** The registry refuses manifests larger than this, so a larger "manifest" is not read at all. */
  static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

  private final StorageLayout layout;
  private final TreeReader reader;
  private final ManifestCache cache;
  private final ScanProblems problems;

  /**
   * Every digest looked up in this scan, with the first instance of it met, which tags and refs
   * then share.
   */
  private final Map<Digest, Seen> seen;

  private record Seen(Digest digest, ManifestResult result) {}

  private final Set<String> changedPrefixes;

  /**
   * @param changedPrefixes blob prefix folders ({@code sha256/ab}) changed since the last scan,
   *     whose cached manifests must be checked on disk; null when unknown, to check every one
   */
  ManifestStore(
      StorageLayout layout,
      TreeReader reader,
      ManifestCache cache,
      ScanProblems problems,
      Set<String> changedPrefixes) {
    this.layout = layout;
    this.reader = reader;
    this.cache = cache;
    this.problems = problems;
    this.changedPrefixes = changedPrefixes;
    // Sized for what the last scan saw: growing a concurrent map from 16 to hundreds of thousands
    // of entries,
    // while every scan thread reads it, costs a first scan noticeably.
    this.seen = new ConcurrentHashMap<>(Math.max(1 << 12, cache.size() * 4 / 3));
  }

  @Override
  public ManifestResult get(Digest digest) {
    Seen known = seen.get(digest);
    if (known != null) {
      return known.result();
    }
    ManifestResult result = lookUp(digest);
    seen.putIfAbsent(digest, new Seen(digest, result));
    return result;
  }

  /**
   * The instance of {@code digest} this scan met first: a million tags naming a few hundred
   * thousand manifests then hold a few hundred thousand digest objects, not a million.
   */
  Digest canonical(Digest digest) {
    Seen known = seen.get(digest);
    return known == null ? digest : known.digest();
  }

  /**
   * The summary of a manifest as this scan finds it (looked up now if it was not yet), empty if it
   * is missing or unreadable. Unlike the cache, which keeps a summary after its blob is deleted.
   */
  @Override
  public Optional<ManifestSummary> summary(Digest digest) {
    return get(digest) instanceof ManifestResult.Found found
        ? Optional.of(found.summary())
        : Optional.empty();
  }

  @Override
  public Optional<Damage> unreadable(Digest digest) {
    return get(digest) instanceof ManifestResult.Failed failed
            && failed.damage() != Damage.MISSING_BLOB
        ? Optional.of(failed.damage())
        : Optional.empty();
  }

  private ManifestResult lookUp(Digest digest) {
    ManifestSummary cached = cache.get(digest);
    // The bytes never change under a digest, but the garbage collector may have deleted them since
    // the last
    // scan; it cannot have where the prefix folder is unchanged.
    if (cached != null && isSettled(digest)) {
      return new ManifestResult.Found(cached);
    }
    Path data = layout.blobData(digest);
    if (cached != null) {
      if (reader.exists(data)) {
        return new ManifestResult.Found(cached);
      }
      // Gone since it was cached: forget it, or a later scan that finds its prefix folder settled
      // would trust the
      // cached summary of a blob that is no longer there.
      cache.remove(digest);
    }
    byte[] bytes;
    try {
      bytes = reader.read(data, MAX_MANIFEST_BYTES);
    } catch (FileTooLargeException e) {
      return fail(
          data,
          Damage.MANIFEST_TOO_LARGE,
          "manifest blob " + digest + " is larger than " + MAX_MANIFEST_BYTES + " bytes, not read");
    } catch (NoSuchFileException e) {
      return fail(data, Damage.MISSING_BLOB, "manifest blob " + digest + " is missing");
    } catch (IOException e) {
      return fail(
          ScanProblems.where(data, e),
          ScanProblems.readDamage(reader, data, e),
          "manifest blob " + digest + " cannot be read (" + e.getMessage() + ")");
    }
    try {
      ManifestSummary summary = ManifestParser.parse(bytes);
      cache.put(digest, summary);
      return new ManifestResult.Found(summary);
    } catch (ManifestException e) {
      return fail(data, e.damage(), "manifest blob " + digest + " " + e.getMessage());
    }
  }

  private boolean isSettled(Digest digest) {
    return changedPrefixes != null
        && (changedPrefixes.isEmpty()
            || !changedPrefixes.contains(digest.algorithm() + "/" + digest.prefix()));
  }

  @Override
  public BlobSize size(Digest digest) {
    Path data = layout.blobData(digest);
    try {
      return new BlobSize.Measured(reader.size(data));
    } catch (NoSuchFileException e) {
      problems.add(
          data, Damage.MISSING_BLOB, "layer blob " + digest + " of a schema1 manifest is missing");
      return new BlobSize.Failed(Damage.MISSING_BLOB);
    } catch (IOException e) {
      Damage damage = ScanProblems.readDamage(reader, data, e);
      problems.add(
          ScanProblems.where(data, e),
          damage,
          "layer blob " + digest + " cannot be measured (" + e.getMessage() + ")");
      return new BlobSize.Failed(damage);
    }
  }

  @Override
  public void report(Digest manifest, Damage damage, String message) {
    problems.add(layout.blobData(manifest), damage, "manifest blob " + manifest + " " + message);
  }

  private ManifestResult fail(Path path, Damage damage, String message) {
    problems.add(path, damage, message);
    return new ManifestResult.Failed(damage);
  }

  /** Every manifest digest looked up in this scan. */
  Set<Digest> used() {
    return seen.keySet();
  }
}
