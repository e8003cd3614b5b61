package dev.regscope.scan;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which repositories to scan and export ({@code --include-repository}, {@code
 * --exclude-repository}, whole-name regular expressions). A repository left out is not read at all,
 * so it costs neither series nor scan time.
 */
public record RepositoryFilter(Optional<Pattern> include, Optional<Pattern> exclude) {
  public static final RepositoryFilter ALL =
      new RepositoryFilter(Optional.empty(), Optional.empty());

  public boolean includes(String repository) {
    return include.map(p -> p.matcher(repository).matches()).orElse(true)
        && !exclude.map(p -> p.matcher(repository).matches()).orElse(false);
  }
}
