package dev.regscope.hygiene;

import dev.regscope.core.Digest;
import java.util.List;

/**
 * What the collector's reachability needs from one repository.
 *
 * @param revisions the manifests its revisions name (only those whose link file exists)
 * @param tags the manifest each tag's {@code current/link} names, one entry per tag
 */
public record RepositoryRefs(String name, List<Digest> revisions, List<Digest> tags) {
  public RepositoryRefs {
    revisions = List.copyOf(revisions);
    tags = List.copyOf(tags);
  }
}
