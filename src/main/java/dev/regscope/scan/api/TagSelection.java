package dev.regscope.scan.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which of a repository's tags a remote source reads at all (a targets file's {@code include},
 * {@code exclude} and {@code keep}): the others cost no request, which matters on registries that
 * limit pulls. Pure.
 *
 * @param include only tags whose whole name matches, when given
 * @param exclude no tag whose whole name matches, when given
 * @param keep then only the newest N: the last N in the registry's order, or the N highest versions
 *     ({@link Order#SEMVER}, where tags that are no version are dropped)
 */
public record TagSelection(
    Optional<Pattern> include, Optional<Pattern> exclude, OptionalInt keep, Order order) {
  /** How "newest" is decided for {@code keep}. */
  public enum Order {
    /** The order the registry lists tags in (lexical for Distribution): the last are newest. */
    REGISTRY,
    /** Semantic versions, highest newest. */
    SEMVER
  }

  public static final TagSelection ALL =
      new TagSelection(Optional.empty(), Optional.empty(), OptionalInt.empty(), Order.REGISTRY);

  public TagSelection {
    if (keep.isPresent() && keep.getAsInt() < 1) {
      throw new IllegalArgumentException("keep must be at least 1, not " + keep.getAsInt());
    }
  }

  /** The tags to read, in the registry's order. */
  public List<String> select(List<String> listed) {
    List<String> matching = new ArrayList<>();
    for (String tag : listed) {
      if (include.map(p -> p.matcher(tag).matches()).orElse(true)
          && !exclude.map(p -> p.matcher(tag).matches()).orElse(false)) {
        matching.add(tag);
      }
    }
    if (keep.isEmpty()) {
      return matching;
    }
    int n = keep.getAsInt();
    if (order == Order.REGISTRY) {
      return matching.subList(Math.max(0, matching.size() - n), matching.size());
    }
    List<String> versions = new ArrayList<>();
    for (String tag : matching) {
      if (SemVer.parse(tag).isPresent()) {
        versions.add(tag);
      }
    }
    Set<String> newest =
        versions.stream()
            .sorted(
                Comparator.comparing((String tag) -> SemVer.parse(tag).orElseThrow())
                    .reversed()
                    .thenComparing(Comparator.naturalOrder()))
            .limit(n)
            .collect(Collectors.toSet());
    return matching.stream().filter(newest::contains).toList();
  }
}
