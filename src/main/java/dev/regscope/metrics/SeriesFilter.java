package dev.regscope.metrics;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which tag-level series to export ({@code --tag-metrics}, {@code --include-tag}, {@code
 * --exclude-tag}): a registry with a million tags may be too many series for Prometheus.
 * Repository-level series are never filtered here, so they stay exact.
 *
 * @param families the tag-level families exported at all
 * @param include a tag is exported only if its name matches this (whole name), when given
 * @param exclude a tag is not exported if its name matches this (whole name), when given
 */
public record SeriesFilter(
    Set<TagFamily> families, Optional<Pattern> include, Optional<Pattern> exclude) {
  /** Every tag-level family for every tag. */
  public static final SeriesFilter ALL =
      new SeriesFilter(EnumSet.allOf(TagFamily.class), Optional.empty(), Optional.empty());

  public SeriesFilter {
    EnumSet<TagFamily> copy = EnumSet.noneOf(TagFamily.class);
    copy.addAll(families);
    families = Collections.unmodifiableSet(copy);
  }

  /** Whether any of the tag's series are exported, by name alone. */
  public boolean exportsTag(String tag) {
    return !families.isEmpty()
        && include.map(p -> p.matcher(tag).matches()).orElse(true)
        && !exclude.map(p -> p.matcher(tag).matches()).orElse(false);
  }

  /** Whether the tag's series of this family are exported. */
  public boolean exports(TagFamily family, String tag) {
    return families.contains(family) && exportsTag(tag);
  }
}
