package dev.regscope.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;

/**
 * Pushes Docker schema1 images the way they reached old registries: {@code skopeo copy --format
 * v2s1} converts a small OCI image (real gzipped tar layers) and signs it, and registry 2.8 accepts
 * it when {@link #REGISTRY_YAML} enables schema1. Without skopeo a test is skipped, or fails under
 * CI.
 */
public final class Skopeo {
  static final Path BINARY = Path.of("/usr/bin/skopeo");

  /** The registry config that lets 2.8 accept schema1 pushes (it refuses them by default). */
  public static final String REGISTRY_YAML = "compatibility:\n  schema1:\n    enabled: true\n";

  private static final ObjectMapper JSON = new ObjectMapper();

  private Skopeo() {}

  /** Fails or skips (as the house rule says) when skopeo is missing. */
  public static void requireOrSkip() {
    if (!Files.isExecutable(BINARY)) {
      String message = "no " + BINARY + "; install Debian's skopeo";
      String ci = System.getenv("CI");
      if (ci != null && !ci.isEmpty()) {
        throw new AssertionError(message);
      }
      Assumptions.abort(message);
    }
  }

  /**
   * Pushes a schema1 image of {@code layers} random files (sizes from {@code random}) to {@code
   * registry} (plain HTTP) as {@code repository:tag}, building it in {@code work}.
   */
  public static void pushSchema1(
      RegistryProcess registry,
      String repository,
      String tag,
      int layers,
      Random random,
      Path work) {
    requireOrSkip();
    try {
      Path layout = Files.createDirectories(work.resolve("oci-" + tag));
      Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
      Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
      ArrayNode layerDescriptors = JSON.createArrayNode();
      ArrayNode diffIds = JSON.createArrayNode();
      ArrayNode history = JSON.createArrayNode();
      for (int i = 0; i < layers; i++) {
        byte[] content = new byte[1 + random.nextInt(4000)];
        random.nextBytes(content);
        byte[] tar = tar("layer-" + i, content);
        byte[] gzipped = gzip(tar);
        diffIds.add(Blob.sha256(tar));
        layerDescriptors.add(
            descriptor(blobs, "application/vnd.oci.image.layer.v1.tar+gzip", gzipped));
        history.addObject().put("created", "2024-05-01T12:00:00Z").put("created_by", "layer " + i);
      }
      ObjectNode config =
          JSON.createObjectNode()
              .put("architecture", "amd64")
              .put("os", "linux")
              .put("created", "2024-05-01T12:00:00Z");
      config.putObject("rootfs").put("type", "layers").set("diff_ids", diffIds);
      config.set("history", history);
      ObjectNode manifest =
          JSON.createObjectNode()
              .put("schemaVersion", 2)
              .put("mediaType", "application/vnd.oci.image.manifest.v1+json");
      manifest.set(
          "config",
          descriptor(
              blobs, "application/vnd.oci.image.config.v1+json", JSON.writeValueAsBytes(config)));
      manifest.set("layers", layerDescriptors);
      ObjectNode entry =
          descriptor(
              blobs,
              "application/vnd.oci.image.manifest.v1+json",
              JSON.writeValueAsBytes(manifest));
      entry.putObject("annotations").put("org.opencontainers.image.ref.name", tag);
      ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2);
      index.putArray("manifests").add(entry);
      Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(index));
      String target =
          "docker://"
              + registry.baseUri().getHost()
              + ":"
              + registry.baseUri().getPort()
              + "/"
              + repository
              + ":"
              + tag;
      run(
          List.of(
              BINARY.toString(),
              "--insecure-policy",
              "copy",
              "--format",
              "v2s1",
              "--dest-tls-verify=false",
              "oci:" + layout + ":" + tag,
              target),
          work);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode descriptor(Path blobs, String mediaType, byte[] bytes)
      throws IOException {
    String digest = Blob.sha256(bytes);
    Files.write(blobs.resolve(digest.substring("sha256:".length())), bytes);
    return JSON.createObjectNode()
        .put("mediaType", mediaType)
        .put("digest", digest)
        .put("size", bytes.length);
  }

  /** A tar archive holding one regular file: a 512-byte ustar header, the content, padding. */
  static byte[] tar(String name, byte[] content) {
    byte[] header = new byte[512];
    put(header, 0, name);
    put(header, 100, "0000644");
    put(header, 108, "0000000");
    put(header, 116, "0000000");
    put(header, 124, String.format("%011o", content.length));
    put(header, 136, String.format("%011o", 1714564800L));
    header[156] = '0';
    put(header, 257, "ustar");
    put(header, 263, "00");
    for (int i = 148; i < 156; i++) {
      header[i] = ' ';
    }
    int sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    put(header, 148, String.format("%06o", sum));
    header[155] = ' ';
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header);
    out.writeBytes(content);
    out.writeBytes(new byte[(512 - content.length % 512) % 512]);
    out.writeBytes(new byte[1024]);
    return out.toByteArray();
  }

  private static void put(byte[] header, int at, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(bytes, 0, header, at, bytes.length);
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    }
    return out.toByteArray();
  }

  private static void run(List<String> command, Path work) throws IOException {
    Path log = work.resolve("skopeo.log");
    Process process =
        new ProcessBuilder(new ArrayList<>(command))
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    process.getOutputStream().close();
    try {
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(command + " did not finish within 120 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    if (process.exitValue() != 0) {
      throw new AssertionError(command + " failed: " + Files.readString(log));
    }
  }
}
