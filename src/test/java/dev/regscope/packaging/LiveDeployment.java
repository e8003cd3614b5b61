package dev.regscope.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regscope.sample.SampleRegistry;
import dev.regscope.testing.FaultProxy;
import dev.regscope.testing.RegistryProcess;
import dev.regscope.testing.RegscopeProcess;
import dev.regscope.testing.S3ProxyProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything a deployment of regscope exposes, running for real on 127.0.0.1: a Distribution
 * registry whose webhooks go to a {@code regscope serve} that scans a damaged storage tree, stores
 * the events in SQLite and probes the registry; and a second {@code regscope serve --targets-file}
 * reading the registry over its HTTP API through a proxy that announces a rate limit; and a third
 * reading a sample tree from a bucket of S3Proxy. Between them every metric family has samples.
 */
final class LiveDeployment implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "live-deployment-token";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final RegistryProcess registry;
  private final FaultProxy proxy;
  private final RegscopeProcess storage;
  private final RegscopeProcess api;
  private final S3ProxyProcess s3;
  private final RegscopeProcess bucket;

  private LiveDeployment(
      RegistryProcess registry,
      FaultProxy proxy,
      RegscopeProcess storage,
      RegscopeProcess api,
      S3ProxyProcess s3,
      RegscopeProcess bucket) {
    this.registry = registry;
    this.proxy = proxy;
    this.storage = storage;
    this.api = api;
    this.s3 = s3;
    this.bucket = bucket;
  }

  /**
   * Starts it all under {@code dir} and waits until both exporters serve every family: a scan done,
   * probes passed, pulls stored from the registry's own webhooks, the API target read.
   */
  static LiveDeployment start(Path dir) throws IOException {
    Path tree = dir.resolve("tree");
    SampleRegistry.write(tree, SampleRegistry.Spec.SMALL);
    damage(tree.resolve("docker/registry/v2/repositories"), tree.resolve("docker/registry/v2"));
    int storagePort = freePort();
    RegistryProcess registry = null;
    FaultProxy proxy = null;
    RegscopeProcess storage = null;
    RegscopeProcess api = null;
    S3ProxyProcess s3 = null;
    RegscopeProcess bucket = null;
    try {
      registry =
          RegistryProcess.start(
              RegistryProcess.binaryOrSkip(),
              dir.resolve("registry"),
              """
              notifications:
                endpoints:
                  - name: regscope
                    url: http://127.0.0.1:%d/events
                    headers:
                      Authorization: [Bearer %s]
                    timeout: 2s
                    threshold: 1
                    backoff: 250ms
              """
                  .formatted(storagePort, TOKEN));
      Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n");
      // Under supervise, as k8s/deployment.yaml runs the sidecar.
      storage =
          RegscopeProcess.startSupervised(
              storagePort,
              tree,
              dir.resolve("storage.log"),
              "--scan-interval",
              "10s",
              "--events-db",
              dir.resolve("events.db").toString(),
              "--events-token-file",
              token.toString(),
              "--probe-target",
              registry.baseUri() + "regscope/probe",
              "--probe-interval",
              "2s",
              "--probe-push-size",
              "4KiB",
              "--probe-node",
              "live");
      proxy = FaultProxy.start(registry.baseUri());
      proxy.addHeader("ratelimit-remaining", "76;w=21600");
      Path targets =
          Files.writeString(
              dir.resolve("targets.yaml"), "- name: remote\n  url: " + proxy.baseUri() + "\n");
      int apiPort = freePort();
      api =
          RegscopeProcess.command(
              apiPort,
              dir.resolve("api.log"),
              List.of(
                  "serve",
                  "--bind",
                  "127.0.0.1",
                  "--port",
                  String.valueOf(apiPort),
                  "--scan-interval",
                  "5s",
                  "--targets-file",
                  targets.toString()));
      s3 = S3ProxyProcess.start(dir.resolve("s3"), "registry");
      SampleRegistry.write(s3.bucketDir("registry").resolve("sample"), SampleRegistry.Spec.SMALL);
      int bucketPort = freePort();
      Path home = Files.createDirectories(dir.resolve("home"));
      bucket =
          RegscopeProcess.command(
              bucketPort,
              dir.resolve("s3.log"),
              List.of(
                  "serve",
                  "--bind",
                  "127.0.0.1",
                  "--port",
                  String.valueOf(bucketPort),
                  "--scan-interval",
                  "10s",
                  "s3://registry/sample",
                  "--s3-endpoint",
                  s3.endpoint().toString(),
                  "--s3-path-style"),
              java.util.Map.of(
                  "AWS_ACCESS_KEY_ID",
                  S3ProxyProcess.IDENTITY,
                  "AWS_SECRET_ACCESS_KEY",
                  S3ProxyProcess.CREDENTIAL,
                  "AWS_CONFIG_FILE",
                  home.resolve("no-config").toString(),
                  "AWS_SHARED_CREDENTIALS_FILE",
                  home.resolve("no-creds").toString(),
                  "AWS_EC2_METADATA_DISABLED",
                  "true"));
      LiveDeployment live = new LiveDeployment(registry, proxy, storage, api, s3, bucket);
      live.awaitEveryFamily();
      return live;
    } catch (RuntimeException | IOException | Error e) {
      for (AutoCloseable started :
          new AutoCloseable[] {bucket, s3, api, storage, proxy, registry}) {
        if (started != null) {
          try {
            started.close();
          } catch (Exception suppressed) {
            e.addSuppressed(suppressed);
          }
        }
      }
      throw e;
    }
  }

  /**
   * A tag whose manifest revision link is gone (broken, {@code missing_revision}) and a tag whose
   * layer blob is gone from the store (unpullable, a missing blob), as a {@code DELETE} by digest
   * and a hand-run cleanup leave them. The sample's upload started a month ago (stale).
   */
  private static void damage(Path repositories, Path v2) throws IOException {
    String broken = link(repositories.resolve("org-0/app-1/_manifests/tags/latest/current/link"));
    Files.delete(
        repositories.resolve("org-0/app-1/_manifests/revisions/sha256/" + broken + "/link"));
    String image =
        link(repositories.resolve("org-0/app-1/worker/_manifests/tags/latest/current/link"));
    JsonNode manifest = JSON.readTree(blob(v2, image).toFile());
    JsonNode layers = manifest.path("layers");
    String layer = layers.get(layers.size() - 1).path("digest").asText().substring(7);
    Files.delete(blob(v2, layer));
  }

  private static String link(Path link) throws IOException {
    return Files.readString(link).strip().substring("sha256:".length());
  }

  private static Path blob(Path v2, String hex) {
    return v2.resolve("blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data");
  }

  private void awaitEveryFamily() {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    String tested = "tested_registry=\"" + registry.baseUri().getRawAuthority() + "\"";
    while (System.nanoTime() < deadline) {
      String own = metrics(storage.base());
      String remote = metrics(api.base());
      String s3 = metrics(bucket.base());
      if (s3.contains("regscope_s3_requests_total{")
          && s3.contains("regscope_scan_last_success_timestamp_seconds ")
          && own.contains("regscope_scan_last_success_timestamp_seconds ")
          && own.contains("repository_pulls_total{")
          && own.contains("regscope_events_oldest_timestamp_seconds ")
          && own.contains("regscope_probe_last_success_timestamp_seconds{")
          && own.contains("registry_exporter_success{" + tested + ",node=\"live\",type=\"push\"} 1")
          && remote.contains("regscope_api_rate_limit_remaining{")
          && remote.contains("repository_tags_total{registry=\"remote\"")) {
        return;
      }
      sleep(500);
    }
    throw new AssertionError(
        "not every family appeared within 90 s\n--- storage:\n"
            + storage.logTail()
            + "\n--- api:\n"
            + api.logTail()
            + "\n--- storage metrics:\n"
            + metrics(storage.base())
            + "\n--- api metrics:\n"
            + metrics(api.base())
            + "\n--- s3:\n"
            + bucket.logTail());
  }

  /** The exposition of the storage source: tree families, hygiene, events and probes. */
  String storageMetrics() {
    return metrics(storage.base());
  }

  /** The exposition of the HTTP-API source with a targets file. */
  String apiMetrics() {
    return metrics(api.base());
  }

  /** The exposition of the S3 source. */
  String s3Metrics() {
    return metrics(bucket.base());
  }

  /** {@code host:port} of the three exporters, as Prometheus scrapes them. */
  List<String> scrapeTargets() {
    return List.of(
        URI.create(storage.base()).getRawAuthority(),
        URI.create(api.base()).getRawAuthority(),
        URI.create(bucket.base()).getRawAuthority());
  }

  static String metrics(String base) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(base + "/metrics"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.body();
    } catch (IOException e) {
      return "(no answer: " + e + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }

  @Override
  public void close() {
    bucket.close();
    s3.close();
    api.close();
    storage.close();
    proxy.close();
    registry.close();
  }
}
