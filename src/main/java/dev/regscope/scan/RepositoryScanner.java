package dev.regscope.scan;

import dev.regscope.core.Digest;
import dev.regscope.hygiene.RepositoryRefs;
import dev.regscope.manifest.ManifestKind;
import dev.regscope.manifest.Platform;
import dev.regscope.model.BrokenTag;
import dev.regscope.model.PlatformStats;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.TagStats;
import dev.regscope.model.UploadStats;
import dev.regscope.scan.Resolution.Leaf;
import dev.regscope.scan.Resolution.Resolved;
import dev.regscope.scan.Resolution.Unresolved;
import dev.regscope.storage.StorageLayout;
import dev.regscope.storage.TreeReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Turns one repository folder into its stats within a scan: links, images, revisions, uploads. */
final class RepositoryScanner {
  /**
   * What one folder contributes: stats (null for a folder holding only uploads), references,
   * uploads (or null).
   */
  record Scanned(RepositoryStats stats, RepositoryRefs refs, UploadStats uploads) {}

  private final TreeReader reader;
  private final LinkReader links;
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
      UploadReader uploads,
      ImageResolver resolver,
      ManifestStore manifests,
      Map<String, RepositoryStats> previous) {
    this.reader = reader;
    this.links = links;
    this.uploads = uploads;
    this.resolver = resolver;
    this.manifests = manifests;
    this.previous = previous;
  }

  Scanned scan(RepositoryDir repository) {
    UploadStats inProgress = repository.hasUploads() ? uploads.read(repository) : null;
    if (!repository.isRepository()) {
      return new Scanned(null, null, inProgress);
    }
    RepositoryContents contents = links.read(repository);
    List<Digest> revisions = new ArrayList<>(contents.revisions().size());
    for (Digest revision : contents.revisions()) {
      manifests.get(
          revision); // untagged revisions matter to the collector: read (or find cached) every one
      revisions.add(manifests.canonical(revision));
    }
    Map<String, TagStats> before = previousTags(repository.name());
    List<TagStats> tags = new ArrayList<>();
    List<BrokenTag> broken = new ArrayList<>(contents.brokenTags());
    List<Digest> tagged = new ArrayList<>();
    for (TagLink link : contents.tags()) {
      Resolution resolution = resolver.resolve(link.digest());
      Digest digest = manifests.canonical(link.digest());
      tagged.add(digest);
      if (resolution instanceof Unresolved unresolved) {
        broken.add(new BrokenTag(link.tag(), unresolved.damage()));
      } else {
        Resolved image = (Resolved) resolution;
        TagStats last = before.get(link.tag());
        TagStats now =
            new TagStats(
                link.tag(),
                digest,
                image.mediaType(),
                image.layers(),
                image.sizeBytes(),
                image.kind() == ManifestKind.INDEX ? byPlatform(image.leaves()) : List.of(),
                pushedAt(repository, link, last));
        // An unchanged tag keeps last scan's object: the published snapshot and the one being built
        // share it,
        // instead of a large registry holding every tag twice while it rescans.
        tags.add(now.equals(last) ? last : now);
      }
    }
    broken.sort((a, b) -> a.name().compareTo(b.name()));
    RepositoryStats stats =
        new RepositoryStats(repository.name(), contents.revisions().size(), tags, broken);
    return new Scanned(stats, new RepositoryRefs(repository.name(), revisions, tagged), inProgress);
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

  /**
   * Children declared for the same platform (several attestations are all unknown/unknown) are
   * summed.
   */
  static List<PlatformStats> byPlatform(List<Leaf> leaves) {
    Map<String, long[]> sums = new TreeMap<>();
    for (Leaf leaf : leaves) {
      String platform = leaf.platform().map(Platform::toString).orElse(Platform.UNDECLARED);
      long[] sum = sums.computeIfAbsent(platform, p -> new long[2]);
      sum[0] += leaf.layers();
      sum[1] += leaf.sizeBytes();
    }
    List<PlatformStats> platforms = new ArrayList<>();
    sums.forEach((platform, sum) -> platforms.add(new PlatformStats(platform, sum[0], sum[1])));
    return platforms;
  }
}
