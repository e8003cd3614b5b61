package dev.regscope.cli;

import dev.regscope.storage.InvalidStorageRootException;
import dev.regscope.storage.StorageLayout;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;

/**
 * The SOURCE argument of {@code serve}, {@code scan} and {@code report} (a picocli mixin): a
 * storage folder, a registry URL or an S3 bucket, or a refusal with exit code 2 and one line naming
 * the value.
 */
public final class SourceArgument {
  @Parameters(
      paramLabel = "SOURCE",
      arity = "0..1",
      description =
          "A registry storage folder (its root, its docker/registry/v2 "
              + "folder, or a folder holding repositories/ and blobs/), a registry URL (https://host[:port][/REPOSITORY]) "
              + "or an S3 bucket (s3://BUCKET[/ROOTDIRECTORY]).")
  String value;

  /** What a SOURCE names. */
  public sealed interface Source permits Folder, Registry, Bucket {}

  /** A storage folder, located. */
  public record Folder(StorageLayout layout) implements Source {}

  /** A registry's HTTP API: every repository of its catalog, or the one named in the URL's path. */
  public record Registry(URI base, Optional<String> repository) implements Source {}

  /**
   * A bucket holding the registry's storage under {@code rootDirectory} (empty for the bucket's
   * root).
   */
  public record Bucket(String bucket, String rootDirectory) implements Source {}

  Source parse(CommandSpec spec) {
    if (value == null) {
      throw new BadSource(
          spec.commandLine(),
          "missing SOURCE: a registry storage folder, https://host[:port][/REPOSITORY] or"
              + " s3://BUCKET");
    }
    String lower = value.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      return registry(spec);
    }
    if (lower.startsWith("s3://")) {
      return bucket(spec);
    }
    if (value.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*")) {
      throw new BadSource(
          spec.commandLine(),
          "unknown scheme in "
              + value
              + ": a source is a folder, an http:// or "
              + "https:// registry URL, or an s3:// bucket");
    }
    return new Folder(locate(spec));
  }

  /** For commands that read only a folder. */
  StorageLayout locate(CommandSpec spec) {
    try {
      return StorageLayout.locate(Path.of(value));
    } catch (InvalidStorageRootException e) {
      if (looksLikeHost(value) && !java.nio.file.Files.exists(Path.of(value))) {
        throw new BadSource(
            spec.commandLine(),
            "no scheme in "
                + value
                + ": a registry URL starts with https:// (or http:// for plain HTTP), and there is"
                + " no such folder");
      }
      throw new BadSource(spec.commandLine(), e.getMessage());
    } catch (java.nio.file.InvalidPathException e) {
      throw new BadSource(spec.commandLine(), "not a path: " + value);
    }
  }

  /**
   * Whether a value that is no folder was probably meant as a registry: {@code host:port/...} or a
   * first component with a dot that is not a relative path ({@code registry.example.com/app}).
   */
  static boolean looksLikeHost(String value) {
    String first = value.split("/", 2)[0];
    return first.matches("[A-Za-z0-9.-]+:[0-9]+")
        || first.matches("[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+") && !first.startsWith(".");
  }

  private Registry registry(CommandSpec spec) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new BadSource(spec.commandLine(), "not a URL: " + value + " (" + e.getReason() + ")");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new BadSource(spec.commandLine(), "no host in " + value);
    }
    try {
      Addresses.resolve(
          spec, "SOURCE " + value, dev.regscope.registry.RegistryAddress.parse(value).host());
    } catch (IllegalArgumentException e) {
      throw new BadSource(spec.commandLine(), e.getMessage());
    }
    String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+|/+$", "");
    URI base = URI.create(uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getRawAuthority());
    return new Registry(base, path.isEmpty() ? Optional.empty() : Optional.of(path));
  }

  private Bucket bucket(CommandSpec spec) {
    String rest = value.substring("s3://".length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String root = slash < 0 ? "" : rest.substring(slash + 1).replaceAll("^/+|/+$", "");
    if (bucket.isEmpty()) {
      throw new BadSource(
          spec.commandLine(), "no bucket in " + value + " (expected s3://BUCKET[/ROOTDIRECTORY])");
    }
    return new Bucket(bucket, root);
  }

  /** A usage error (exit code 2) whose message is the one line the user sees. */
  public static final class BadSource extends CommandLine.ParameterException {
    BadSource(CommandLine commandLine, String message) {
      super(commandLine, message);
    }
  }
}
