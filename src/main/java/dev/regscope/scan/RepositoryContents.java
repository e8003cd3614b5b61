package dev.regscope.scan;

import dev.regscope.core.Digest;
import dev.regscope.model.BrokenTag;
import java.util.List;

/**
 * The links read from one repository: its tags, the tags whose link is unusable, and the manifests
 * its revisions name (those whose link file still exists).
 */
record RepositoryContents(List<TagLink> tags, List<BrokenTag> brokenTags, List<Digest> revisions) {}
