package dev.regscope.targets;

import dev.regscope.registry.RegistryAddress;
import dev.regscope.scan.api.TagSelection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * One entry of a targets file: a registry read over its API, with its own repositories, tag
 * selection, interval and credentials; what is not given falls back to the command's options.
 * Values, so an entry that did not change between two readings of the file compares equal and its
 * scans go on undisturbed.
 *
 * @param name the {@code registry} label of its series ({@code host[:port]} unless named)
 * @param repositories the repositories to read; empty for every repository of the catalog
 * @param include tags to read, a regular expression over the whole name
 * @param exclude tags not to read
 * @param keep then only the newest N, by {@code keepBy}
 */
public record TargetSpec(
    String name,
    RegistryAddress registry,
    List<String> repositories,
    Optional<String> include,
    Optional<String> exclude,
    OptionalInt keep,
    TagSelection.Order keepBy,
    Optional<Duration> interval,
    OptionalInt concurrency,
    Access access) {

  /**
   * The target's own credentials and trust.
   *
   * @param username with {@code passwordFile}: Basic credentials, read again when the file changes
   * @param dockerConfig a folder holding a {@code config.json}, as a dockerconfigjson Secret mounts
   */
  public record Access(
      Optional<String> username,
      Optional<Path> passwordFile,
      Optional<Path> dockerConfig,
      Optional<Path> caFile,
      boolean insecureSkipTlsVerify) {
    public static final Access NONE =
        new Access(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false);

    /** Whether the entry names credentials of its own (else the command's are used). */
    boolean hasCredentials() {
      return passwordFile.isPresent() || dockerConfig.isPresent();
    }

    boolean hasTls() {
      return caFile.isPresent() || insecureSkipTlsVerify;
    }
  }

  public TargetSpec {
    repositories = List.copyOf(repositories);
  }

  /** Which tags this target reads. */
  public TagSelection tags() {
    return new TagSelection(
        include.map(Pattern::compile), exclude.map(Pattern::compile), keep, keepBy);
  }
}
