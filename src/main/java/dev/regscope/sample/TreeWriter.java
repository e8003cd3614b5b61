package dev.regscope.sample;

import com.google.common.hash.Hashing;
import dev.regscope.storage.Digest;
import dev.regscope.storage.StorageLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes blobs and link files exactly where registry 2.8 puts them (71-byte links, no newline). */
final class TreeWriter {
  private final StorageLayout layout;

  TreeWriter(StorageLayout layout) {
    this.layout = layout;
  }

  /** Stores a blob under its real sha256 digest and returns that digest. */
  Digest blob(byte[] content) throws IOException {
    Digest digest = new Digest("sha256", Hashing.sha256().hashBytes(content).toString());
    Path data = layout.blobData(digest);
    if (!Files.exists(data)) {
      Files.createDirectories(data.getParent());
      Files.write(data, content);
    }
    return digest;
  }

  void layerLink(String repository, Digest digest) throws IOException {
    link(layout.repository(repository).resolve("_layers").resolve(digest.algorithm()).resolve(digest.hex()).resolve("link"), digest);
  }

  void revisionLink(String repository, Digest digest) throws IOException {
    Path revisions = StorageLayout.revisionsDir(layout.repository(repository));
    link(StorageLayout.revisionLink(revisions.resolve(digest.algorithm()).resolve(digest.hex())), digest);
  }

  void tag(String repository, String tag, Digest digest) throws IOException {
    Path tagDir = StorageLayout.tagsDir(layout.repository(repository)).resolve(tag);
    link(StorageLayout.currentLink(tagDir), digest);
    link(tagDir.resolve("index").resolve(digest.algorithm()).resolve(digest.hex()).resolve("link"), digest);
  }

  void upload(String repository, String uuid, String startedAt, byte[] partial) throws IOException {
    Path upload = layout.repository(repository).resolve("_uploads").resolve(uuid);
    Files.createDirectories(upload);
    Files.write(upload.resolve("data"), partial);
    Files.write(upload.resolve("startedat"), startedAt.getBytes(StandardCharsets.UTF_8));
  }

  private static void link(Path file, Digest digest) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, digest.toString().getBytes(StandardCharsets.US_ASCII));
  }
}
