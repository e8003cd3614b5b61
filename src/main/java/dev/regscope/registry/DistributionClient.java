package dev.regscope.registry;

import dev.regscope.core.Digest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * A client of one registry's Distribution (OCI distribution) HTTP API: manifests and blobs read
 * with their digests checked, uploads, deletes, listings with paging, and a login check. Safe for
 * use by many threads; tokens are shared by all of them. Failures are {@link RegistryException}s
 * with an {@link ErrorClass}.
 */
public final class DistributionClient {
  /** Every manifest kind a registry may hold, so none is refused or converted. */
  static final String ACCEPT_MANIFESTS =
      String.join(
          ", ",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.docker.distribution.manifest.v2+json",
          "application/vnd.docker.distribution.manifest.list.v2+json",
          "application/vnd.docker.distribution.manifest.v1+prettyjws",
          "application/vnd.docker.distribution.manifest.v1+json");

  /** Registry 2.8 refuses manifests over 4 MiB; a larger answer is not a manifest. */
  static final int MAX_MANIFEST = 4 << 20;

  private final RegistryAddress registry;
  private final ClientSettings settings;
  private final Transport transport;
  private final Authenticator authenticator;
  private final Exchange exchange;
  private final BlobUpload upload;
  private final Deadline deadline;

  private DistributionClient(DistributionClient shared, Deadline deadline) {
    this.registry = shared.registry;
    this.settings = shared.settings;
    this.transport = shared.transport;
    this.authenticator = shared.authenticator;
    this.exchange = shared.exchange;
    this.upload = shared.upload;
    this.deadline = deadline;
  }

  private DistributionClient(RegistryAddress registry, ClientSettings settings) throws IOException {
    this.registry = registry;
    this.settings = settings;
    HttpClient.Builder http =
        HttpClient.newBuilder()
            .connectTimeout(settings.timeout())
            .followRedirects(HttpClient.Redirect.NEVER);
    if (registry.scheme().equals("https")) {
      http.sslContext(SslContexts.of(settings.tls()));
    } else {
      http.version(HttpClient.Version.HTTP_1_1); // no h2c upgrade dance with plain-HTTP registries
    }
    this.transport =
        new Transport(
            http.build(),
            settings.listener(),
            new Throttle(settings.concurrency()),
            settings.clock());
    this.authenticator =
        new Authenticator(
            registry,
            settings.credentials(),
            new TokenCache(settings.clock()),
            new TokenFetcher(transport, settings.clock(), settings.userAgent()),
            settings.clock());
    this.exchange =
        new Exchange(
            transport,
            authenticator,
            settings.retries(),
            settings.timeout(),
            settings.clock(),
            settings.userAgent());
    this.upload = new BlobUpload(exchange, registry, settings.uploadChunkSize(), settings.clock());
    this.deadline = Deadline.NONE;
  }

  /** A client of {@code registry}; fails only if the TLS settings cannot be used. */
  public static DistributionClient create(RegistryAddress registry, ClientSettings settings)
      throws IOException {
    return new DistributionClient(registry, settings);
  }

  /** This client (same connections and tokens) with every request bounded by {@code deadline}. */
  public DistributionClient until(Deadline deadline) {
    return new DistributionClient(this, deadline);
  }

  public RegistryAddress registry() {
    return registry;
  }

  /**
   * Logs in as {@code docker login} does, with fresh credentials (a new token, never a cached one):
   * {@code GET /v2/} unauthenticated, then answering its challenge.
   */
  public Login login() throws RegistryException {
    return new LoginCheck(registry, transport, authenticator, settings).run(deadline);
  }

  /** The manifest {@code reference} (a tag or a digest) names, its bytes checked. */
  public Manifest getManifest(String repository, String reference) throws RegistryException {
    return manifests().get(repository, reference);
  }

  /** What a {@code HEAD} of the manifest says; empty if there is none (404). */
  public Optional<ManifestHead> headManifest(String repository, String reference)
      throws RegistryException {
    return manifests().head(repository, reference);
  }

  /** Stores a manifest under {@code reference}; returns its digest, as the registry confirmed. */
  public Digest putManifest(String repository, String reference, String mediaType, byte[] bytes)
      throws RegistryException {
    return manifests().put(repository, reference, mediaType, bytes);
  }

  /** Deletes the manifest {@code digest} and every tag that points at it. */
  public void deleteManifest(String repository, Digest digest) throws RegistryException {
    delete("/v2/" + repository + "/manifests/" + digest, repository);
  }

  /**
   * Deletes a tag alone (the OCI distribution spec's tag delete); registry 2.8 refuses it with 400
   * {@code DIGEST_INVALID}.
   */
  public void deleteTag(String repository, String tag) throws RegistryException {
    delete("/v2/" + repository + "/manifests/" + tag, repository);
  }

  /**
   * Streams blob {@code digest} to {@code sink}, checking its size ({@code size} below zero: not
   * known) and digest as it arrives; returns the bytes received.
   */
  public long getBlob(String repository, Digest digest, long size, Consumer<ByteBuffer> sink)
      throws RegistryException {
    Transport.Response<Long> answer =
        send(
            "GET",
            "/v2/" + repository + "/blobs/" + digest,
            repository,
            Map.of(),
            info -> new VerifyingBody(digest, size, sink));
    if (!answer.ok()) {
      throw answer.failure(settings.clock());
    }
    return answer.body();
  }

  /** The blob's size as the registry reports it; empty if it has no such blob. */
  public OptionalLong headBlob(String repository, Digest digest) throws RegistryException {
    Transport.Response<Void> answer =
        send(
            "HEAD",
            "/v2/" + repository + "/blobs/" + digest,
            repository,
            Map.of(),
            BodyHandlers.discarding());
    if (answer.status() == 404) {
      return OptionalLong.empty();
    }
    if (!answer.ok()) {
      throw answer.failure(settings.clock());
    }
    return answer.headers().firstValueAsLong("Content-Length");
  }

  public void pushBlob(String repository, BlobContent blob) throws RegistryException {
    upload.push(repository, blob, deadline);
  }

  /** Unlinks the blob from the repository; garbage collection reclaims its bytes later. */
  public void deleteBlob(String repository, Digest digest) throws RegistryException {
    delete("/v2/" + repository + "/blobs/" + digest, repository);
  }

  /** One page of the repository's tags: {@code from} a previous page's next link, or the first. */
  public Page tags(String repository, int pageSize, Optional<URI> from) throws RegistryException {
    URI first = registry.resolve("/v2/" + repository + "/tags/list?n=" + pageSize);
    return Listing.page(
        exchange,
        settings.clock(),
        from.orElse(first),
        Scope.forRequest(repository, "GET"),
        "tags",
        deadline);
  }

  /** Every tag of the repository, page after page. */
  public List<String> allTags(String repository, int pageSize) throws RegistryException {
    List<String> all = new ArrayList<>();
    Optional<URI> next = Optional.empty();
    do {
      Page page = tags(repository, pageSize, next);
      all.addAll(page.items());
      next = page.next();
    } while (next.isPresent());
    return all;
  }

  /** One page of the catalog; many registries refuse it (401, 403 or 404). */
  public Page catalog(int pageSize, Optional<URI> from) throws RegistryException {
    URI first = registry.resolve("/v2/_catalog?n=" + pageSize);
    return Listing.page(
        exchange, settings.clock(), from.orElse(first), Scope.CATALOG, "repositories", deadline);
  }

  private ManifestCalls manifests() {
    return new ManifestCalls(registry, exchange, settings.clock(), deadline);
  }

  private void delete(String path, String repository) throws RegistryException {
    Transport.Response<Void> answer =
        send("DELETE", path, repository, Map.of(), BodyHandlers.discarding());
    if (!answer.ok()) {
      throw answer.failure(settings.clock());
    }
  }

  private <T> Transport.Response<T> send(
      String method,
      String path,
      String repository,
      Map<String, String> headers,
      java.net.http.HttpResponse.BodyHandler<T> handler)
      throws RegistryException {
    return exchange.send(
        Exchange.Call.of(
            method, registry.resolve(path), Scope.forRequest(repository, method), headers),
        handler,
        deadline);
  }
}
