package dev.regscope.scan;

import dev.regscope.model.BrokenTag;
import java.util.List;

/**
 * The tag links read from one repository: its tags, the tags whose link is unusable, whether it has
 * a {@code _manifests/tags/} folder, and whether every tag folder and link could be read (missing
 * ones aside).
 */
record RepositoryContents(
    List<TagLink> tags, List<BrokenTag> brokenTags, boolean hasTagsFolder, boolean complete) {}
