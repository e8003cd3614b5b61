package dev.regscope.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The least work any exporter must do on a tree, written as plainly as possible on one thread: list
 * the folders down to every tag and read each {@code current/link} (the link pass), then read every
 * distinct manifest once (the manifest pass). regscope's timings are printed as ratios to these.
 */
final class PhysicalFloor {
  private final Path v2;

  PhysicalFloor(Path v2) {
    this.v2 = v2;
  }

  /** Reads every tag's current link; returns the distinct digests named. */
  Set<String> linkPass() throws IOException {
    Set<String> digests = new LinkedHashSet<>();
    walk(v2.resolve("repositories"), digests);
    return digests;
  }

  private void walk(Path dir, Set<String> digests) throws IOException {
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        children.add(entry);
      }
    }
    ByteBuffer buffer = ByteBuffer.allocate(128);
    for (Path child : children) {
      String name = child.getFileName().toString();
      if (name.equals("_manifests")) {
        Path tags = child.resolve("tags");
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tags)) {
          for (Path tag : entries) {
            try (SeekableByteChannel link =
                Files.newByteChannel(tag.resolve("current").resolve("link"))) {
              buffer.clear();
              while (link.read(buffer) > 0) {
                // read to the end
              }
              digests.add(
                  new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
            }
          }
        }
      } else if (!name.startsWith("_")) {
        walk(child, digests);
      }
    }
  }

  /**
   * Every manifest the tags reach, children of indexes included (found untimed, before the timed
   * pass).
   */
  List<Path> manifestFiles(Set<String> tagged) throws IOException {
    ObjectMapper json = new ObjectMapper();
    Set<String> all = new LinkedHashSet<>();
    List<String> pending = new ArrayList<>(tagged);
    while (!pending.isEmpty()) {
      String digest = pending.remove(pending.size() - 1);
      if (!all.add(digest)) {
        continue;
      }
      JsonNode manifests = json.readTree(Files.readAllBytes(blob(digest))).get("manifests");
      if (manifests != null) {
        manifests.forEach(child -> pending.add(child.get("digest").asText()));
      }
    }
    List<Path> files = new ArrayList<>();
    all.forEach(d -> files.add(blob(d)));
    return files;
  }

  /** Reads each file whole; returns the bytes read. */
  static long manifestPass(List<Path> files) throws IOException {
    long bytes = 0;
    for (Path file : files) {
      bytes += Files.readAllBytes(file).length;
    }
    return bytes;
  }

  private Path blob(String digest) {
    String hex = digest.substring(digest.indexOf(':') + 1);
    return v2.resolve("blobs")
        .resolve("sha256")
        .resolve(hex.substring(0, 2))
        .resolve(hex)
        .resolve("data");
  }
}
