package dev.regscope.scan;

import dev.regscope.model.BrokenTag;
import dev.regscope.model.TagStats;

/**
 * What one tag counts for, decided by {@link ImageResolver#count}: a readable image with its
 * numbers, or a broken tag with the reason.
 */
public sealed interface TagCount {
  record Readable(TagStats stats) implements TagCount {}

  record Broken(BrokenTag tag) implements TagCount {}
}
