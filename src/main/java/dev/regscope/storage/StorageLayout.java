package dev.regscope.storage;

import dev.regscope.core.Digest;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The one place that knows how a registry v2 tree is laid out on disk (see docs: storage layout).
 *
 * <p>Everything else asks this class for paths, so the layout is written down once.
 */
public final class StorageLayout {
  static final String REPOSITORIES = "repositories";
  static final String BLOBS = "blobs";

  private final Path root;

  private StorageLayout(Path root) {
    this.root = root;
  }

  /**
   * A layout rooted at a folder holding {@code repositories/} and {@code blobs/}, without checks.
   */
  public static StorageLayout at(Path v2Root) {
    return new StorageLayout(v2Root);
  }

  /**
   * Finds the v2 folder from what a user may pass: the registry's storage root ({@code
   * /var/lib/registry}), its {@code docker/registry/v2} folder, or any folder holding {@code
   * repositories/} and {@code blobs/}.
   *
   * <p>A storage root that is still empty (or holds only {@code lost+found}, as a new volume does)
   * is accepted as an empty registry: registry 2.8 creates {@code docker/registry/v2} only on the
   * first push, and a sidecar must not crash-loop until then.
   */
  public static StorageLayout locate(Path given) throws InvalidStorageRootException {
    if (!Files.isDirectory(given)) {
      throw new InvalidStorageRootException(given, "is not a directory");
    }
    boolean hasRepositories = isDir(given.resolve(REPOSITORIES));
    boolean hasBlobs = isDir(given.resolve(BLOBS));
    if ((hasRepositories && hasBlobs) || ((hasRepositories || hasBlobs) && isNamedV2(given))) {
      return new StorageLayout(given);
    }
    Path v2 = given.resolve("docker").resolve("registry").resolve("v2");
    if (isDir(v2) || isEmptyDir(given)) {
      return new StorageLayout(v2);
    }
    throw new InvalidStorageRootException(
        given,
        "is not a registry storage folder (expected docker/registry/v2, or repositories/ and blobs/ inside it)");
  }

  private static boolean isNamedV2(Path path) {
    Path name = path.toAbsolutePath().normalize();
    int n = name.getNameCount();
    return n >= 3
        && name.subpath(n - 3, n).toString().replace('\\', '/').equals("docker/registry/v2");
  }

  private static boolean isDir(Path path) {
    return Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
  }

  /** Empty, or holding only the {@code lost+found} that a freshly formatted volume has. */
  private static boolean isEmptyDir(Path path) {
    try (var entries = Files.list(path)) {
      return entries.allMatch(
          entry -> Objects.requireNonNull(entry.getFileName()).toString().equals("lost+found"));
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** The v2 folder this layout reads. */
  public Path root() {
    return root;
  }

  public Path repositories() {
    return root.resolve(REPOSITORIES);
  }

  public Path blobs() {
    return root.resolve(BLOBS);
  }

  /**
   * {@code blobs/<algorithm>/<first two hex>/<hex>/data}: the content of any blob, manifests
   * included.
   */
  public Path blobData(Digest digest) {
    return blobs()
        .resolve(digest.algorithm())
        .resolve(digest.prefix())
        .resolve(digest.hex())
        .resolve("data");
  }

  /** The folder of a repository, from its name with {@code /} separators. */
  public Path repository(String name) {
    return repositories().resolve(name);
  }

  /** {@code _manifests/tags}: one folder per tag. */
  public static Path tagsDir(Path repository) {
    return repository.resolve("_manifests").resolve("tags");
  }

  /** {@code _manifests/tags/<tag>/current/link}: the manifest the tag points at now. */
  public static Path currentLink(Path tagDir) {
    return tagDir.resolve("current").resolve("link");
  }

  /**
   * {@code _manifests/revisions}: one {@code <algorithm>/<hex>/link} per manifest pushed into the
   * repository.
   */
  public static Path revisionsDir(Path repository) {
    return repository.resolve("_manifests").resolve("revisions");
  }

  /**
   * {@code _layers}: one {@code <algorithm>/<hex>/link} per config or layer linked into the
   * repository; a blob the registry serves from the repository must be linked here.
   */
  public static Path layersDir(Path repository) {
    return repository.resolve("_layers");
  }

  /**
   * The name of the link file inside a revision folder; 2.8 removes only this file when a manifest
   * is deleted.
   */
  public static final String REVISION_LINK = "link";

  /** The link file inside a revision folder. */
  public static Path revisionLink(Path revisionDir) {
    return revisionDir.resolve(REVISION_LINK);
  }

  /**
   * {@code _uploads}: one folder per upload in progress, with {@code data} and {@code startedat}.
   */
  public static final String UPLOADS = "_uploads";

  public static Path uploadsDir(Path repository) {
    return repository.resolve(UPLOADS);
  }

  /**
   * Whether a folder entry of a repository is one of the registry's own ({@code _manifests}, {@code
   * _layers}, ...).
   */
  public static boolean isReservedName(String name) {
    return name.startsWith("_");
  }

  /**
   * Whether a folder entry marks its parent as a repository: the catalog lists folders holding
   * {@code _layers}.
   */
  public static boolean marksRepository(String name) {
    return name.equals("_layers") || name.equals("_manifests");
  }
}
