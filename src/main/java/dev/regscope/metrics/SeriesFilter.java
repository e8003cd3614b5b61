package dev.regscope.metrics;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which tag-level series to export ({@code --tag-metrics}, {@code --include-tag}, {@code
 * --exclude-tag}): a registry with a million tags may be too many series for Prometheus.
 * Repository-level series are never filtered here, so they stay exact.
 *
 * @param include a tag is exported only if its name matches this (whole name), when given
 * @param exclude a tag is not exported if its name matches this (whole name), when given
 */
public record SeriesFilter(
    boolean tagMetrics, Optional<Pattern> include, Optional<Pattern> exclude) {
  public static final SeriesFilter ALL = new SeriesFilter(true, Optional.empty(), Optional.empty());

  public boolean exportsTag(String tag) {
    return tagMetrics
        && include.map(p -> p.matcher(tag).matches()).orElse(true)
        && !exclude.map(p -> p.matcher(tag).matches()).orElse(false);
  }
}
