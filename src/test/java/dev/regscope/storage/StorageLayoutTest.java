package dev.regscope.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.regscope.core.Digest;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which folder a user may point regscope at, and where the layout finds things below it. */
class StorageLayoutTest {
  private final FileSystem fs = Jimfs.newFileSystem(Configuration.unix());

  @AfterEach
  void close() throws IOException {
    fs.close();
  }

  // ---- locate
  // ------------------------------------------------------------------------------------------------

  @Test
  void theRegistrysStorageRootLeadsToDockerRegistryV2() throws Exception {
    mkdirs(
        "/var/lib/registry/docker/registry/v2/repositories",
        "/var/lib/registry/docker/registry/v2/blobs");

    assertThat(StorageLayout.locate(path("/var/lib/registry")).root())
        .isEqualTo(path("/var/lib/registry/docker/registry/v2"));
  }

  @Test
  void theV2FolderItself() throws Exception {
    mkdirs(
        "/var/lib/registry/docker/registry/v2/repositories",
        "/var/lib/registry/docker/registry/v2/blobs");

    assertThat(StorageLayout.locate(path("/var/lib/registry/docker/registry/v2")).root())
        .isEqualTo(path("/var/lib/registry/docker/registry/v2"));
  }

  @Test
  void theV2FolderWithOnlyBlobsBeforeTheFirstPushCompletes() throws Exception {
    mkdirs("/srv/docker/registry/v2/blobs");

    assertThat(StorageLayout.locate(path("/srv/docker/registry/v2")).root())
        .isEqualTo(path("/srv/docker/registry/v2"));
  }

  @Test
  void anyFolderHoldingRepositoriesAndBlobs() throws Exception {
    mkdirs("/copy/repositories", "/copy/blobs");

    assertThat(StorageLayout.locate(path("/copy")).root()).isEqualTo(path("/copy"));
  }

  @Test
  void anEmptyFolderIsAnEmptyRegistryThatWillAppearAtDockerRegistryV2() throws Exception {
    mkdirs("/var/lib/registry");

    assertThat(StorageLayout.locate(path("/var/lib/registry")).root())
        .isEqualTo(path("/var/lib/registry/docker/registry/v2"));
  }

  @Test
  void aFreshVolumeHoldingOnlyLostAndFoundIsAnEmptyRegistry() throws Exception {
    mkdirs("/mnt/volume/lost+found");

    assertThat(StorageLayout.locate(path("/mnt/volume")).root())
        .isEqualTo(path("/mnt/volume/docker/registry/v2"));
  }

  @Test
  void aFolderWithOtherThingsIsRefusedWithItsPath() throws Exception {
    mkdirs("/home/user/photos", "/home/user/lost+found");

    assertThatThrownBy(() -> StorageLayout.locate(path("/home/user")))
        .isInstanceOf(InvalidStorageRootException.class)
        .hasMessageContaining("/home/user ")
        .hasMessageContaining("not a registry storage folder");
  }

  @Test
  void aFileIsRefusedWithItsPath() throws Exception {
    mkdirs("/etc");
    Files.writeString(path("/etc/registry.yml"), "version: 0.1\n");

    assertThatThrownBy(() -> StorageLayout.locate(path("/etc/registry.yml")))
        .isInstanceOf(InvalidStorageRootException.class)
        .hasMessageContaining("/etc/registry.yml is not a directory");
  }

  @Test
  void aMissingPathIsRefusedWithItsPath() {
    assertThatThrownBy(() -> StorageLayout.locate(path("/nowhere")))
        .isInstanceOf(InvalidStorageRootException.class)
        .hasMessageContaining("/nowhere is not a directory");
  }

  // ---- paths
  // -------------------------------------------------------------------------------------------------

  @Test
  void blobDataSitsUnderTheFirstTwoHexDigits() {
    String hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    assertThat(StorageLayout.at(path("/v2")).blobData(new Digest("sha256", hex)))
        .isEqualTo(path("/v2/blobs/sha256/e3/" + hex + "/data"));
    assertThat(StorageLayout.at(path("/v2")).blobData(new Digest("sha512", "0f" + "1".repeat(126))))
        .isEqualTo(path("/v2/blobs/sha512/0f/0f" + "1".repeat(126) + "/data"));
  }

  @Test
  void blobDataOfAOneDigitFixtureDigest() {
    assertThat(StorageLayout.at(path("/v2")).blobData(new Digest("sha256", "a")))
        .isEqualTo(path("/v2/blobs/sha256/a/a/data"));
  }

  @Test
  void repositoryPaths() {
    StorageLayout layout = StorageLayout.at(path("/v2"));
    Path repository = layout.repository("org/team/app");

    assertThat(repository).isEqualTo(path("/v2/repositories/org/team/app"));
    assertThat(StorageLayout.tagsDir(repository))
        .isEqualTo(path("/v2/repositories/org/team/app/_manifests/tags"));
    assertThat(StorageLayout.currentLink(StorageLayout.tagsDir(repository).resolve("v1")))
        .isEqualTo(path("/v2/repositories/org/team/app/_manifests/tags/v1/current/link"));
    assertThat(StorageLayout.revisionsDir(repository))
        .isEqualTo(path("/v2/repositories/org/team/app/_manifests/revisions"));
    assertThat(
            StorageLayout.revisionLink(path("/v2/repositories/a/_manifests/revisions/sha256/ab")))
        .isEqualTo(path("/v2/repositories/a/_manifests/revisions/sha256/ab/link"));
  }

  @Test
  void theRegistrysOwnFoldersStartWithAnUnderscore() {
    assertThat(StorageLayout.isReservedName("_uploads")).isTrue();
    assertThat(StorageLayout.isReservedName("app")).isFalse();
    assertThat(StorageLayout.marksRepository("_layers")).isTrue();
    assertThat(StorageLayout.marksRepository("_manifests")).isTrue();
    assertThat(StorageLayout.marksRepository("_uploads")).isFalse();
  }

  private Path path(String path) {
    return fs.getPath(path);
  }

  private void mkdirs(String... dirs) throws IOException {
    for (String dir : dirs) {
      Files.createDirectories(path(dir));
    }
  }
}
