package dev.regscope.scan;

import dev.regscope.core.Damage;
import dev.regscope.core.Digest;
import dev.regscope.hygiene.RepositoryRefs;
import dev.regscope.hygiene.TagRef;
import dev.regscope.manifest.ManifestKind;
import dev.regscope.model.BrokenTag;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.TagStats;
import dev.regscope.model.UploadStats;
import dev.regscope.scan.Resolution.Resolved;
import dev.regscope.scan.Resolution.Unresolved;
import dev.regscope.storage.StorageLayout;
import dev.regscope.storage.TreeReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns one repository folder into its stats within a scan: links, images, revisions, uploads. */
final class RepositoryScanner {
  /**
   * What one folder contributes: stats (null for a folder holding only uploads), references,
   * uploads (or null), and a fingerprint of everything the collector reads there: equal
   * fingerprints from one scan to the next mean its links did not move (a collision would keep last
   * scan's hygiene numbers for one more scan, nothing worse).
   */
  record Scanned(
      RepositoryStats stats, RepositoryRefs refs, UploadStats uploads, long fingerprint) {}

  private final TreeReader reader;
  private final LinkReader links;
  private final LinkedDigests linked;
  private final UploadReader uploads;
  private final ImageResolver resolver;
  private final ManifestStore manifests;
  private final Map<String, RepositoryStats> previous;

  /**
   * @param previous the last scan's repositories by name, to keep push times of tags that did not
   *     move
   */
  RepositoryScanner(
      TreeReader reader,
      LinkReader links,
      LinkedDigests linked,
      UploadReader uploads,
      ImageResolver resolver,
      ManifestStore manifests,
      Map<String, RepositoryStats> previous) {
    this.reader = reader;
    this.links = links;
    this.linked = linked;
    this.uploads = uploads;
    this.resolver = resolver;
    this.manifests = manifests;
    this.previous = previous;
  }

  Scanned scan(RepositoryDir repository) {
    UploadStats inProgress = repository.hasUploads() ? uploads.read(repository) : null;
    if (!repository.isRepository()) {
      return new Scanned(null, null, inProgress, 0);
    }
    RepositoryContents contents = links.read(repository);
    LinkedDigests.Listing listing = linked.revisions(repository);
    List<Digest> revisions = new ArrayList<>(listing.digests().size());
    for (Digest revision : listing.digests()) {
      manifests.get(
          revision); // untagged revisions matter to the collector: read (or find cached) every one
      revisions.add(manifests.canonical(revision));
    }
    Set<Digest> isRevision = new HashSet<>(revisions);
    long fingerprint = 31L * repository.name().hashCode() + revisions.hashCode();
    Map<String, TagStats> before = previousTags(repository.name());
    Map<String, BrokenTag> brokenBefore = previousBroken(repository.name());
    List<TagStats> tags = new ArrayList<>();
    List<BrokenTag> broken = new ArrayList<>(contents.brokenTags());
    List<TagRef> refs = new ArrayList<>(contents.tags().size());
    for (TagLink link : contents.tags()) {
      Resolution resolution = resolver.resolve(link.digest());
      Digest digest = manifests.canonical(link.digest());
      // Revisions that could not all be listed prove no link missing.
      Damage damage =
          resolution instanceof Unresolved unresolved
              ? unresolved.damage()
              : listing.complete() ? served((Resolved) resolution, digest, isRevision) : null;
      refs.add(new TagRef(link.tag(), digest, damage != null));
      fingerprint = 31 * (31 * fingerprint + link.tag().hashCode()) + digest.hashCode();
      fingerprint = damage != null ? ~fingerprint : fingerprint;
      if (damage == Damage.MISSING_REVISION) {
        // A manifest delete unlinks the revision first, then removes each tag naming it: in
        // between, a scan sees the tag without its revision. Such a repository is read again.
        BrokenTag last = brokenBefore.get(link.tag());
        links.settledState(
            repository, last != null && last.reason() == damage && digest.equals(last.digest()));
      }
      if (damage != null) {
        broken.add(new BrokenTag(link.tag(), damage, digest, mediaTypeOf(digest)));
        continue;
      }
      Resolved image = (Resolved) resolution;
      TagStats last = before.get(link.tag());
      TagStats now =
          new TagStats(
              link.tag(),
              digest,
              image.mediaType(),
              image.layers(),
              image.sizeBytes(),
              image.kind() == ManifestKind.INDEX
                  ? ImageResolver.byPlatform(image.leaves())
                  : List.of(),
              pushedAt(repository, link, last));
      // An unchanged tag keeps last scan's object: the published snapshot and the one being built
      // share it, instead of a large registry holding every tag twice while it rescans.
      tags.add(now.equals(last) ? last : now);
    }
    broken.sort((a, b) -> a.name().compareTo(b.name()));
    RepositoryStats stats = new RepositoryStats(repository.name(), revisions.size(), tags, broken);
    boolean badTagLinks =
        contents.brokenTags().stream().anyMatch(b -> b.reason() == Damage.BAD_LINK);
    LinkedDigests.Layers layers = linked.layers(repository);
    RepositoryRefs repositoryRefs =
        new RepositoryRefs(
            repository.name(),
            revisions,
            refs,
            layers.hex(),
            contents.hasTagsFolder(),
            badTagLinks,
            listing.complete() && contents.complete());
    fingerprint =
        31 * (31 * fingerprint + layers.hash())
            + (contents.hasTagsFolder() ? 1 : 2)
            + (badTagLinks ? 4 : 8)
            + (repositoryRefs.linksComplete() ? 16 : 32);
    return new Scanned(stats, repositoryRefs, inProgress, fingerprint);
  }

  /**
   * Whether the registry serves a resolved manifest from this repository: it answers a manifest
   * only where the repository holds its revision link, the tag's own and every child's. Null when
   * it does, else why not.
   */
  private static Damage served(Resolved resolved, Digest digest, Set<Digest> isRevision) {
    if (!isRevision.contains(digest)) {
      return Damage.MISSING_REVISION;
    }
    for (Digest child : resolved.descendants()) {
      if (!isRevision.contains(child)) {
        return Damage.MISSING_REVISION;
      }
    }
    return null;
  }

  /** The media type of a manifest's blob, or null where it cannot be read. */
  private String mediaTypeOf(Digest digest) {
    return manifests.summary(digest).map(summary -> summary.mediaType()).orElse(null);
  }

  private Map<String, BrokenTag> previousBroken(String repository) {
    RepositoryStats stats = previous.get(repository);
    Map<String, BrokenTag> byName = new java.util.HashMap<>();
    if (stats != null) {
      stats.brokenTags().forEach(t -> byName.put(t.name(), t));
    }
    return byName;
  }

  private Map<String, TagStats> previousTags(String repository) {
    RepositoryStats stats = previous.get(repository);
    Map<String, TagStats> byName = new java.util.HashMap<>();
    if (stats != null) {
      stats.tags().forEach(t -> byName.put(t.name(), t));
    }
    return byName;
  }

  /**
   * When the tag was pointed at its manifest: its link's mtime, read once per manifest it points
   * at. A tag that still names the manifest it named last scan keeps its time, so a rescan costs no
   * stat per tag.
   */
  private Instant pushedAt(RepositoryDir repository, TagLink link, TagStats before) {
    if (before != null && before.digest().equals(link.digest()) && before.pushedAt() != null) {
      return before.pushedAt();
    }
    try {
      Path current =
          StorageLayout.currentLink(StorageLayout.tagsDir(repository.path()).resolve(link.tag()));
      return reader.modifiedTime(current).toInstant();
    } catch (IOException e) {
      return null;
    }
  }
}
