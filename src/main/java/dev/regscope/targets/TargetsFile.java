package dev.regscope.targets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.regscope.core.Durations;
import dev.regscope.registry.RegistryAddress;
import dev.regscope.registry.RepositoryName;
import dev.regscope.scan.api.TagSelection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a targets file: a YAML list of registries to read over their APIs ({@code serve
 * --targets-file}). Every entry is checked whole (its URL, repository names, patterns, numbers, and
 * that the files it names can be read), so a bad file is refused with one message naming the file,
 * the entry and the value, and nothing of it is used.
 */
public final class TargetsFile {
  static final Set<String> KEYS =
      Set.of(
          "name",
          "url",
          "repositories",
          "include",
          "exclude",
          "keep",
          "keepBy",
          "interval",
          "concurrency",
          "username",
          "passwordFile",
          "dockerConfig",
          "caFile",
          "insecureSkipTlsVerify");

  private static final YAMLMapper YAML = new YAMLMapper();

  private TargetsFile() {}

  /** The targets {@code file} lists. */
  public static List<TargetSpec> read(Path file) throws TargetsFileException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new TargetsFileException(file + " cannot be read: " + e.getMessage(), e);
    }
    return parse(bytes, file);
  }

  /** The targets {@code bytes} list; {@code file} names them in messages and anchors paths. */
  public static List<TargetSpec> parse(byte[] bytes, Path file) throws TargetsFileException {
    JsonNode root;
    try {
      root = YAML.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new TargetsFileException(
          file + " is not YAML: " + e.getOriginalMessage().lines().findFirst().orElse(""), e);
    } catch (IOException e) {
      throw new TargetsFileException(file + " is not YAML: " + e.getMessage(), e);
    }
    if (root == null || !root.isArray()) {
      throw new TargetsFileException(
          file + " is not a YAML list of targets (- url: https://host[:port] ...)", null);
    }
    List<TargetSpec> targets = new ArrayList<>();
    Set<String> names = new HashSet<>();
    int index = 0;
    for (JsonNode entry : root) {
      index++;
      String where = file + ": target " + index;
      TargetSpec target = entry(entry, where, file);
      if (!names.add(target.name())) {
        throw new TargetsFileException(
            where
                + ": the name "
                + target.name()
                + " is already taken by another target"
                + " (give each a name:)",
            null);
      }
      targets.add(target);
    }
    return targets;
  }

  private static TargetSpec entry(JsonNode entry, String at, Path file)
      throws TargetsFileException {
    String where = at;
    if (!entry.isObject()) {
      throw new TargetsFileException(where + " is not a mapping of keys", null);
    }
    for (Iterator<String> keys = entry.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (!KEYS.contains(key)) {
        throw new TargetsFileException(
            where
                + ": unknown key "
                + key
                + " (known: "
                + String.join(", ", KEYS.stream().sorted().toList())
                + ")",
            null);
      }
    }
    String url =
        text(entry, "url", at).orElseThrow(() -> new TargetsFileException(at + ": no url", null));
    RegistryAddress registry;
    List<String> repositories = new ArrayList<>();
    try {
      registry = RegistryAddress.parse(url);
      String path = java.net.URI.create(url).getPath();
      String repository = path == null ? "" : path.replaceAll("^/+|/+$", "");
      if (!repository.isEmpty()) {
        repositories.add(RepositoryName.check(repository));
      }
    } catch (IllegalArgumentException e) {
      throw new TargetsFileException(where + ": url " + e.getMessage(), e);
    }
    String label = " (" + registry.authority() + ")";
    JsonNode listed = entry.get("repositories");
    if (listed != null && !listed.isNull()) {
      if (!listed.isArray()) {
        throw new TargetsFileException(where + label + ": repositories is not a list", null);
      }
      for (JsonNode repository : listed) {
        try {
          repositories.add(RepositoryName.check(repository.asText()));
        } catch (IllegalArgumentException e) {
          throw new TargetsFileException(where + label + ": " + e.getMessage(), e);
        }
      }
    }
    String name = text(entry, "name", where).orElse(registry.authority());
    where = where + " (" + name + ")";
    Optional<String> include = pattern(entry, "include", where);
    Optional<String> exclude = pattern(entry, "exclude", where);
    OptionalInt keep = positive(entry, "keep", where);
    TagSelection.Order keepBy = TagSelection.Order.REGISTRY;
    Optional<String> order = text(entry, "keepBy", where);
    if (order.isPresent()) {
      try {
        keepBy = TagSelection.Order.valueOf(order.get().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new TargetsFileException(
            where + ": keepBy is registry or semver, not " + order.get(), e);
      }
    }
    Optional<Duration> interval = Optional.empty();
    Optional<String> every = text(entry, "interval", where);
    if (every.isPresent()) {
      try {
        interval = Optional.of(Durations.parse(every.get()));
      } catch (IllegalArgumentException e) {
        throw new TargetsFileException(where + ": interval " + e.getMessage(), e);
      }
      if (interval.get().isZero()) {
        throw new TargetsFileException(where + ": interval must be longer than 0", null);
      }
    }
    OptionalInt concurrency = positive(entry, "concurrency", where);
    return new TargetSpec(
        name,
        registry,
        repositories,
        include,
        exclude,
        keep,
        keepBy,
        interval,
        concurrency,
        access(entry, where, file));
  }

  private static TargetSpec.Access access(JsonNode entry, String where, Path file)
      throws TargetsFileException {
    Optional<String> username = text(entry, "username", where);
    Optional<Path> passwordFile = path(entry, "passwordFile", where, file);
    if (username.isPresent() != passwordFile.isPresent()) {
      throw new TargetsFileException(
          where + ": username and passwordFile go together; one is missing", null);
    }
    if (passwordFile.isPresent()) {
      readable(passwordFile.get(), "passwordFile", where);
    }
    Optional<Path> dockerConfig = path(entry, "dockerConfig", where, file);
    if (dockerConfig.isPresent()) {
      readable(dockerConfig.get().resolve("config.json"), "dockerConfig", where);
    }
    Optional<Path> caFile = path(entry, "caFile", where, file);
    if (caFile.isPresent()) {
      readable(caFile.get(), "caFile", where);
    }
    JsonNode insecure = entry.get("insecureSkipTlsVerify");
    if (insecure != null && !insecure.isBoolean()) {
      throw new TargetsFileException(where + ": insecureSkipTlsVerify is true or false", null);
    }
    return new TargetSpec.Access(
        username, passwordFile, dockerConfig, caFile, insecure != null && insecure.asBoolean());
  }

  private static Optional<String> text(JsonNode entry, String key, String where)
      throws TargetsFileException {
    JsonNode value = entry.get(key);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual() && !value.isNumber()) {
      throw new TargetsFileException(where + ": " + key + " is not a single value", null);
    }
    String text = value.asText().strip();
    if (text.isEmpty()) {
      throw new TargetsFileException(where + ": " + key + " is empty", null);
    }
    return Optional.of(text);
  }

  private static Optional<String> pattern(JsonNode entry, String key, String where)
      throws TargetsFileException {
    Optional<String> text = text(entry, key, where);
    if (text.isPresent()) {
      try {
        Pattern.compile(text.get());
      } catch (PatternSyntaxException e) {
        throw new TargetsFileException(
            where + ": " + key + " " + text.get() + " is not a regular expression", e);
      }
    }
    return text;
  }

  private static OptionalInt positive(JsonNode entry, String key, String where)
      throws TargetsFileException {
    JsonNode value = entry.get(key);
    if (value == null || value.isNull()) {
      return OptionalInt.empty();
    }
    if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 1) {
      throw new TargetsFileException(
          where + ": " + key + " must be a whole number of at least 1, not " + value, null);
    }
    return OptionalInt.of(value.asInt());
  }

  /** A path as written, relative ones from the file's folder. */
  private static Optional<Path> path(JsonNode entry, String key, String where, Path file)
      throws TargetsFileException {
    Optional<String> text = text(entry, key, where);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Path given = file.getFileSystem().getPath(text.get());
    Path folder = file.toAbsolutePath().getParent();
    return Optional.of(given.isAbsolute() || folder == null ? given : folder.resolve(given));
  }

  private static void readable(Path path, String key, String where) throws TargetsFileException {
    if (!Files.isReadable(path) || Files.isDirectory(path)) {
      throw new TargetsFileException(where + ": " + key + " " + path + " cannot be read", null);
    }
  }
}
