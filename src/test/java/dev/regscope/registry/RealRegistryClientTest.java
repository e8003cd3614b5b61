package dev.regscope.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regscope.core.Digest;
import dev.regscope.testing.Blob;
import dev.regscope.testing.FaultProxy;
import dev.regscope.testing.GcReport;
import dev.regscope.testing.RegistryClient;
import dev.regscope.testing.RegistryProcess;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against a real registry (Debian's docker-registry 2.8) without auth: what it uploads,
 * the registry serves back byte for byte (read with the test harness's own client); what it reads
 * is checked against the registry's answers; faults come from a proxy in front.
 */
@Timeout(120)
class RealRegistryClientTest {
  private static final String REPO = "client/test";

  @TempDir static Path dir;
  private static RegistryProcess registry;
  private static RegistryClient harness;
  private static final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

  @BeforeAll
  static void startRegistry() {
    registry = RegistryProcess.start(dir);
    harness = registry.client();
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  private static DistributionClient client(ClientSettings settings) throws Exception {
    return DistributionClient.create(
        RegistryAddress.parse(registry.baseUri().toString()), settings);
  }

  private static ClientSettings counted() {
    return ClientSettings.defaults()
        .withTimeout(Duration.ofSeconds(10))
        .withListener(
            new RequestListener() {
              @Override
              public void answered(String method, int status, Duration elapsed) {
                requests
                    .computeIfAbsent(method + " " + status, k -> new AtomicInteger())
                    .incrementAndGet();
              }

              @Override
              public void failed(String method, ErrorClass error, Duration elapsed) {
                requests
                    .computeIfAbsent(method + " " + error, k -> new AtomicInteger())
                    .incrementAndGet();
              }
            });
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  @Test
  void blobsGoUpInOnePutOrInPatchChunksAndTheRegistryServesTheSameBytes() throws Exception {
    DistributionClient client = client(counted().withUploadChunkSize(1000));
    byte[] small = random(999, 1);
    byte[] large = random(2500, 2);
    requests.clear();

    client.pushBlob(REPO, BlobContent.of(small));
    assertThat(requests).containsOnlyKeys("POST 202", "PUT 201");
    requests.clear();
    client.pushBlob(REPO, BlobContent.of(large));
    // Three chunks of at most 1000 bytes, then the closing PUT.
    assertThat(counts()).isEqualTo(Map.of("POST 202", 1, "PATCH 202", 3, "PUT 201", 1));

    String largeDigest = Blob.sha256(large);
    assertThat(harness.blobSize(REPO, largeDigest)).isEqualTo(2500);
    assertThat(client.headBlob(REPO, Digest.parse(largeDigest))).hasValue(2500);
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    long n = client.getBlob(REPO, Digest.parse(largeDigest), 2500, buffer -> write(read, buffer));
    assertThat(n).isEqualTo(2500);
    assertThat(read.toByteArray()).isEqualTo(large);
    assertThat(client.headBlob(REPO, Digest.parse("sha256:" + "0".repeat(64)))).isEmpty();
  }

  @Test
  void manifestsAreStoredReadAndDeletedByDigestWithTheirTags() throws Exception {
    DistributionClient client = client(counted());
    byte[] config = "{}".getBytes();
    client.pushBlob(REPO, BlobContent.of(config));
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + Blob.sha256(config)
                + "\",\"size\":2},\"layers\":[]}")
            .getBytes();

    Digest stored =
        client.putManifest(REPO, "m1", "application/vnd.oci.image.manifest.v1+json", manifest);
    assertThat(stored.toString()).isEqualTo(harness.headManifest(REPO, "m1"));
    Manifest read = client.getManifest(REPO, "m1");
    assertThat(read.bytes()).isEqualTo(manifest);
    assertThat(read.mediaType()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
    assertThat(client.headManifest(REPO, "m1"))
        .hasValue(
            new ManifestHead(
                stored, "application/vnd.oci.image.manifest.v1+json", manifest.length));
    assertThat(client.getManifest(REPO, stored.toString()).digest()).isEqualTo(stored);

    // Registry 2.8 refuses to delete a tag alone; a delete by digest takes every tag with it.
    assertThatThrownBy(() -> client.deleteTag(REPO, "m1"))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.codes()).containsExactly("DIGEST_INVALID"));
    client.deleteManifest(REPO, stored);
    assertThat(client.headManifest(REPO, "m1")).isEmpty();
    assertThatThrownBy(() -> client.getManifest(REPO, "m1"))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.errorClass()).isEqualTo(ErrorClass.NOT_FOUND);
              assertThat(e.codes()).containsExactly("MANIFEST_UNKNOWN");
            });
  }

  @Test
  void pagingFollowsLinkUntilEveryTagAndRepositoryIsListed() throws Exception {
    DistributionClient client = client(counted());
    String repo = "paging/repo";
    byte[] config = "{\"paging\":1}".getBytes();
    client.pushBlob(repo, BlobContent.of(config));
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + Blob.sha256(config)
                + "\",\"size\":"
                + config.length
                + "},\"layers\":[]}")
            .getBytes();
    for (int i = 0; i < 7; i++) {
      client.putManifest(repo, "t" + i, "application/vnd.oci.image.manifest.v1+json", manifest);
    }
    for (String more : List.of("paging/more1", "paging/more2")) {
      client.pushBlob(more, BlobContent.of(config));
      client.putManifest(more, "t", "application/vnd.oci.image.manifest.v1+json", manifest);
    }
    requests.clear();

    List<String> tags = client.allTags(repo, 2);
    assertThat(tags).containsExactlyElementsOf(harness.tags(repo));
    assertThat(tags).hasSize(7);
    // Registry 2.8 pages only the catalog: its tags list ignores n and answers all at once.
    assertThat(counts()).isEqualTo(Map.of("GET 200", 1));
    requests.clear();

    List<String> catalog = new ArrayList<>();
    Optional<java.net.URI> next = Optional.empty();
    do {
      Page page = client.catalog(1, next);
      assertThat(page.items()).hasSizeLessThanOrEqualTo(1);
      catalog.addAll(page.items());
      next = page.next();
    } while (next.isPresent());
    assertThat(catalog).containsExactlyElementsOf(harness.catalog());
    assertThat(catalog).hasSizeGreaterThanOrEqualTo(3);
    // One request per page of one; 2.8 may or may not answer a last, empty page.
    assertThat(counts().get("GET 200")).isBetween(catalog.size(), catalog.size() + 1);
  }

  @Test
  void aBlobWhoseBytesDoNotMatchItsDigestFailsAsAServerError() throws Exception {
    DistributionClient client = client(counted());
    byte[] content = random(4096, 3);
    client.pushBlob("corrupt/blob", BlobContent.of(content));
    String digest = Blob.sha256(content);
    Path data = GcReport.blobData(registry.storageRoot(), digest);
    byte[] corrupted = content.clone();
    corrupted[100] ^= 0x55;
    Files.write(data, corrupted);

    assertThatThrownBy(() -> client.getBlob("corrupt/blob", Digest.parse(digest), 4096, b -> {}))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.errorClass()).isEqualTo(ErrorClass.SERVER_ERROR);
              assertThat(e.getMessage()).contains(digest, "its bytes hash to");
            });
  }

  @Test
  void aManifestWhoseBytesDoNotMatchItsDigestFailsAsAServerError() throws Exception {
    DistributionClient client = client(counted());
    byte[] config = "{\"m\":1}".getBytes();
    client.pushBlob("corrupt/manifest", BlobContent.of(config));
    String json =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
            + Blob.sha256(config)
            + "\",\"size\":"
            + config.length
            + "},\"layers\":[],\"annotations\":{\"note\":\"aaaa\"}}";
    Digest digest =
        client.putManifest(
            "corrupt/manifest",
            "v1",
            "application/vnd.oci.image.manifest.v1+json",
            json.getBytes());
    // Still JSON, still a manifest: only the digest tells.
    Files.writeString(
        GcReport.blobData(registry.storageRoot(), digest.toString()), json.replace("aaaa", "aaab"));

    for (String reference : List.of("v1", digest.toString())) {
      assertThatThrownBy(() -> client.getManifest("corrupt/manifest", reference))
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> {
                assertThat(e.errorClass()).isEqualTo(ErrorClass.SERVER_ERROR);
                assertThat(e.getMessage()).contains(digest.toString(), "its bytes hash to");
              });
    }
  }

  @Test
  void aBodyThatStallsIsCutAtTheDeadlineAsATimeout() throws Exception {
    byte[] content = random(200_000, 4);
    DistributionClient direct = client(counted());
    direct.pushBlob("stall/blob", BlobContent.of(content));
    try (FaultProxy proxy = FaultProxy.start(registry.baseUri())) {
      DistributionClient client =
          DistributionClient.create(
              RegistryAddress.parse(proxy.baseUri().toString()),
              counted().withTimeout(Duration.ofSeconds(2)).withRetries(RetryPolicy.none()));
      proxy.stallBodies("/blobs/");
      long start = System.nanoTime();
      assertThatThrownBy(
              () ->
                  client.getBlob(
                      "stall/blob", Digest.parse(Blob.sha256(content)), 200_000, b -> {}))
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> assertThat(e.errorClass()).isEqualTo(ErrorClass.TIMEOUT));
      // The headers came at once: only a deadline over the body ends this.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }
  }

  @Test
  void a503WithRetryAfterIsWaitedOutNotHammered() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(registry.baseUri())) {
      DistributionClient client =
          DistributionClient.create(
              RegistryAddress.parse(proxy.baseUri().toString()),
              counted()
                  .withRetries(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofSeconds(5))));
      proxy.answer(503, "1");
      long start = System.nanoTime();
      assertThatThrownBy(() -> client.headManifest(REPO, "whatever"))
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> {
                assertThat(e.errorClass()).isEqualTo(ErrorClass.SERVER_ERROR);
                assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(1));
              });
      // Three attempts, the registry's second between each rather than the 10 ms back-off.
      assertThat(proxy.requests()).isEqualTo(3);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }
  }

  @Test
  void aStoppedRegistryIsANetworkError(@TempDir Path other) throws Exception {
    RegistryProcess stopped = RegistryProcess.start(other);
    DistributionClient client =
        DistributionClient.create(
            RegistryAddress.parse(stopped.baseUri().toString()),
            counted().withRetries(RetryPolicy.none()));
    stopped.close();
    assertThatThrownBy(() -> client.headManifest(REPO, "x"))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.errorClass()).isEqualTo(ErrorClass.NETWORK_ERROR);
              assertThat(e.status()).isEmpty();
            });
  }

  private static Map<String, Integer> counts() {
    Map<String, Integer> counts = new TreeMap<>();
    requests.forEach((k, v) -> counts.put(k, v.get()));
    return counts;
  }

  private static void write(ByteArrayOutputStream out, ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    out.write(bytes, 0, bytes.length);
  }
}
