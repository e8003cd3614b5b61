package dev.regscope.model;

import java.util.List;

/** What a scan found in one repository; tags and broken tags are sorted by name. */
public record RepositoryStats(
    String name,
    long revisions,
    List<TagStats> tags,
    List<BrokenTag> brokenTags,
    RepositoryHygiene hygiene) {
  public RepositoryStats {
    tags = List.copyOf(tags);
    brokenTags = List.copyOf(brokenTags);
  }

  public RepositoryStats(
      String name, long revisions, List<TagStats> tags, List<BrokenTag> brokenTags) {
    this(name, revisions, tags, brokenTags, RepositoryHygiene.NONE);
  }

  public RepositoryStats withHygiene(RepositoryHygiene computed) {
    return new RepositoryStats(name, revisions, tags, brokenTags, computed);
  }

  /** Every tag, readable or broken. */
  public int tagCount() {
    return tags.size() + brokenTags.size();
  }

  /** Sum of the sizes of the readable tags; layers shared between tags count once per tag. */
  public long taggedBytes() {
    return tags.stream().mapToLong(TagStats::sizeBytes).sum();
  }
}
