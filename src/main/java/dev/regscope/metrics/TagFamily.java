package dev.regscope.metrics;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A group of tag-level series that {@code --tag-metrics} turns on or off by name: each costs about
 * one Prometheus series per tag, which at a hundred thousand tags is the real cost of scraping.
 */
public enum TagFamily {
  LAYERS("repository_tag_layers_total"),
  SIZE("repository_tag_size_bytes"),
  /** One series per platform of each multi-platform tag, in each of the two families. */
  PLATFORM("repository_tag_platform_layers", "repository_tag_platform_size_bytes"),
  INFO("repository_tag_info"),
  PUSHED("repository_tag_pushed_timestamp_seconds"),
  /** Only tags whose image cannot be pulled: none in a healthy registry. */
  UNPULLABLE("repository_tag_unpullable"),
  /** Only tags pulled since the event store was created; only with {@code --events-db}. */
  PULLED("repository_tag_last_pull_timestamp_seconds");

  /**
   * What {@code --tag-metrics} exports unless told otherwise: the older exporter's two series per
   * tag, plus the damage signal, which costs nothing while the registry is healthy.
   */
  public static final Set<TagFamily> DEFAULT = EnumSet.of(LAYERS, SIZE, UNPULLABLE);

  private final List<String> metrics;

  TagFamily(String... metrics) {
    this.metrics = List.of(metrics);
  }

  /** The name {@code --tag-metrics} knows this family by. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The metric names this family exports. */
  public List<String> metrics() {
    return metrics;
  }

  /** The family of a metric name, if it is a tag-level one. */
  public static Optional<TagFamily> of(String metric) {
    return Stream.of(values()).filter(f -> f.metrics.contains(metric)).findFirst();
  }

  /** The names {@code --tag-metrics} accepts, in the order they are documented. */
  public static String allowedNames() {
    return Stream.concat(Stream.of(values()).map(TagFamily::label), Stream.of("all", "none"))
        .collect(Collectors.joining(", "));
  }

  /**
   * The families a comma-separated list names ({@code all}, {@code none} or family names).
   *
   * @throws IllegalArgumentException naming the first unknown value and the allowed names
   */
  public static Set<TagFamily> parse(String list) {
    Set<TagFamily> chosen = EnumSet.noneOf(TagFamily.class);
    for (String raw : list.split(",", -1)) {
      String name = raw.trim().toLowerCase(Locale.ROOT);
      switch (name) {
        case "all" -> chosen.addAll(EnumSet.allOf(TagFamily.class));
        case "none" -> {}
        default ->
            chosen.add(
                Stream.of(values())
                    .filter(f -> f.label().equals(name))
                    .findFirst()
                    .orElseThrow(
                        () ->
                            new IllegalArgumentException(
                                "unknown tag family '"
                                    + raw.trim()
                                    + "' (allowed: "
                                    + allowedNames()
                                    + ")")));
      }
    }
    return chosen;
  }

  /**
   * The families as {@code --tag-metrics} would name them: {@code layers,size}, or {@code none}.
   */
  public static String names(Set<TagFamily> families) {
    return families.isEmpty()
        ? "none"
        : families.stream().map(TagFamily::label).collect(Collectors.joining(","));
  }
}
