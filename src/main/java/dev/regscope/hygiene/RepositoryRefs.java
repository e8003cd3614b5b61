package dev.regscope.hygiene;

import dev.regscope.core.Digest;
import java.util.List;
import java.util.Set;

/**
 * What the collector's reachability needs from one repository.
 *
 * @param revisions the manifests its revisions name (only those whose link file exists)
 * @param tags every tag whose link names a manifest
 * @param layerLinks the hex of each blob linked into the repository ({@code _layers}; the length
 *     tells the algorithm apart, and a scan spares itself a digest per link); null when they could
 *     not all be read
 * @param hasTagsFolder whether {@code _manifests/tags/} exists (2.8's {@code --delete-untagged}
 *     fails on a repository that has revisions and none)
 * @param badTagLinks whether some tag link is not a digest (2.8's {@code --delete-untagged} fails
 *     looking up such a repository's tags)
 * @param linksComplete false when its revisions, tags or a tag link could not be read
 */
public record RepositoryRefs(
    String name,
    List<Digest> revisions,
    List<TagRef> tags,
    Set<String> layerLinks,
    boolean hasTagsFolder,
    boolean badTagLinks,
    boolean linksComplete) {
  public RepositoryRefs {
    revisions = List.copyOf(revisions);
    tags = List.copyOf(tags);
    // Handed over, not copied: a large registry links millions of blobs.
    layerLinks = layerLinks == null ? null : java.util.Collections.unmodifiableSet(layerLinks);
  }
}
