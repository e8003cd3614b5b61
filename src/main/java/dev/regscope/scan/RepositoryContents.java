package dev.regscope.scan;

import dev.regscope.model.BrokenTag;
import java.util.List;

/** The links read from one repository: its tags, the tags whose link is unusable, and its revision count. */
record RepositoryContents(List<TagLink> tags, List<BrokenTag> brokenTags, long revisions) {}
