package dev.regscope.sample;

import com.google.common.hash.Hashing;
import dev.regscope.core.Digest;
import dev.regscope.storage.StorageLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/** Writes blobs and link files exactly where registry 2.8 puts them (71-byte links, no newline). */
final class TreeWriter {
  private final StorageLayout layout;
  private final boolean sparseLayers;
  private final Map<Digest, Long> blobSizes = new HashMap<>();

  TreeWriter(StorageLayout layout, boolean sparseLayers) {
    this.layout = layout;
    this.sparseLayers = sparseLayers;
  }

  /** Stores a blob under its real sha256 digest and returns that digest. */
  Digest blob(byte[] content) throws IOException {
    Digest digest = new Digest("sha256", Hashing.sha256().hashBytes(content).toString());
    if (blobSizes.putIfAbsent(digest, (long) content.length) == null) {
      Path data = layout.blobData(digest);
      if (!Files.exists(data)) {
        mkdirs(Objects.requireNonNull(data.getParent()));
        Files.write(data, content);
      }
    }
    return digest;
  }

  /**
   * Stores a layer of {@code size} random bytes. For sparse trees the digest is random instead of
   * the hash of the content, and the file is sparse: the right size on disk listings, almost no
   * space used.
   */
  Digest layer(Random random, long size) throws IOException {
    if (!sparseLayers) {
      byte[] bytes = new byte[(int) size];
      random.nextBytes(bytes);
      return blob(bytes);
    }
    Digest digest =
        new Digest(
            "sha256",
            String.format(
                "%016x%016x%016x%016x",
                random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong()));
    if (blobSizes.putIfAbsent(digest, size) == null && !Files.exists(layout.blobData(digest))) {
      Path data = layout.blobData(digest);
      mkdirs(Objects.requireNonNull(data.getParent()));
      try (SeekableByteChannel channel =
          Files.newByteChannel(
              data,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE,
              StandardOpenOption.SPARSE)) {
        channel.position(size - 1).write(ByteBuffer.wrap(new byte[1]));
      }
    }
    return digest;
  }

  long sizeOf(Digest digest) {
    return blobSizes.get(digest);
  }

  void layerLink(String repository, Digest digest) throws IOException {
    link(
        layout
            .repository(repository)
            .resolve("_layers")
            .resolve(digest.algorithm())
            .resolve(digest.hex())
            .resolve("link"),
        digest);
  }

  void revisionLink(String repository, Digest digest) throws IOException {
    Path revisions = StorageLayout.revisionsDir(layout.repository(repository));
    link(
        StorageLayout.revisionLink(revisions.resolve(digest.algorithm()).resolve(digest.hex())),
        digest);
  }

  void tag(String repository, String tag, Digest digest) throws IOException {
    Path tagDir = StorageLayout.tagsDir(layout.repository(repository)).resolve(tag);
    link(StorageLayout.currentLink(tagDir), digest);
    link(
        tagDir.resolve("index").resolve(digest.algorithm()).resolve(digest.hex()).resolve("link"),
        digest);
  }

  void upload(String repository, String uuid, String startedAt, byte[] partial) throws IOException {
    Path upload = layout.repository(repository).resolve("_uploads").resolve(uuid);
    mkdirs(upload.resolve("hashstates").resolve("sha256"));
    Files.write(upload.resolve("data"), partial);
    Files.write(upload.resolve("startedat"), startedAt.getBytes(StandardCharsets.UTF_8));
    Files.write(
        upload.resolve("hashstates").resolve("sha256").resolve(String.valueOf(partial.length)),
        new byte[16]);
  }

  private void link(Path file, Digest digest) throws IOException {
    mkdirs(Objects.requireNonNull(file.getParent()));
    Files.write(file, digest.toString().getBytes(StandardCharsets.US_ASCII));
  }

  private static void mkdirs(Path dir) throws IOException {
    Files.createDirectories(dir);
  }
}
