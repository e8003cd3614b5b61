package dev.regscope.storage.s3;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a registry's storage lives in a bucket: the registry's {@code bucket} and {@code
 * rootdirectory}, mapped to a virtual folder so the scan keeps speaking in {@link Path}s.
 *
 * <p>The virtual folder is {@code /s3/<bucket>/<rootdirectory>} on the default file system; nothing
 * is ever read there: every path below {@link #v2Root()} names the key with the same relative path
 * below {@link #v2Prefix()}.
 */
public record S3Location(String bucket, String rootDirectory) {
  private static final String V2 = "docker/registry/v2/";

  public S3Location {
    Objects.requireNonNull(bucket, "bucket");
    rootDirectory = rootDirectory.replaceAll("^/+|/+$", "");
    if (bucket.isEmpty()) {
      throw new IllegalArgumentException("no bucket");
    }
  }

  /** The key prefix of the registry's v2 tree: {@code <rootdirectory>/docker/registry/v2/}. */
  public String v2Prefix() {
    return rootDirectory.isEmpty() ? V2 : rootDirectory + "/" + V2;
  }

  /** The virtual folder standing for {@link #v2Prefix()}. */
  public Path v2Root() {
    Path root = Path.of("/", "s3", bucket);
    if (!rootDirectory.isEmpty()) {
      for (String part : rootDirectory.split("/+")) {
        root = root.resolve(part);
      }
    }
    return root.resolve("docker").resolve("registry").resolve("v2");
  }

  /**
   * The key of {@code path} relative to {@link #v2Prefix()}: {@code ""} for the v2 root itself,
   * else {@code blobs/sha256/ab/...} with {@code /} separators.
   */
  String relativeKey(Path path) throws NoSuchFileException {
    Path root = v2Root();
    if (!path.startsWith(root)) {
      throw new NoSuchFileException(path.toString(), null, "outside " + this);
    }
    Path relative = root.relativize(path);
    StringBuilder key = new StringBuilder();
    for (Path part : relative) {
      String name = part.toString();
      if (name.isEmpty()) {
        continue;
      }
      if (key.length() > 0) {
        key.append('/');
      }
      key.append(name);
    }
    return key.toString();
  }

  /** The {@code s3://} URL of a key given relative to {@link #v2Prefix()}, for messages. */
  String url(String relativeKey) {
    return "s3://" + bucket + "/" + v2Prefix() + relativeKey;
  }

  @Override
  public String toString() {
    return "s3://" + bucket + (rootDirectory.isEmpty() ? "" : "/" + rootDirectory);
  }
}
