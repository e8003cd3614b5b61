package dev.regscope.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regscope.core.Digest;
import dev.regscope.core.InvalidDigestException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.time.Duration;
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

  private static final ObjectMapper JSON = new ObjectMapper();

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
    this.transport = new Transport(http.build(), settings.listener());
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
    URI base = registry.resolve("/v2/");
    Duration timeout = deadline.remaining(settings.timeout());
    Transport.Response<Void> first = transport.send(get(base), BodyHandlers.discarding(), timeout);
    if (first.ok()) {
      return Login.ANONYMOUS;
    }
    if (first.status() != 401) {
      throw first.failure(settings.clock());
    }
    Challenge challenge =
        Challenge.choose(first.headers().allValues("WWW-Authenticate"))
            .orElseThrow(
                () ->
                    RegistryException.of(
                        ErrorClass.AUTHENTICATION, "GET /v2/: 401 without a challenge", null));
    authenticator.learn(challenge);
    Credentials credentials = authenticator.credentials();
    String header;
    if (challenge.isBasic()) {
      if (!(credentials instanceof Credentials.Basic basic)) {
        throw RegistryException.of(
            ErrorClass.AUTHENTICATION,
            "GET /v2/: the registry asks for a user name and password, and none is configured for "
                + registry.authority(),
            null);
      }
      header = basic.header();
    } else {
      header =
          "Bearer "
              + authenticator
                  .fetcher()
                  .fetch(challenge, Scope.NONE, credentials, deadline.remaining(settings.timeout()))
                  .token();
    }
    Transport.Response<Void> second =
        transport.send(
            get(base).header("Authorization", header),
            BodyHandlers.discarding(),
            deadline.remaining(settings.timeout()));
    if (!second.ok()) {
      throw second.failure(settings.clock());
    }
    return challenge.isBasic() ? Login.BASIC : Login.BEARER;
  }

  /** The manifest {@code reference} (a tag or a digest) names, its bytes checked. */
  public Manifest getManifest(String repository, String reference) throws RegistryException {
    Transport.Response<byte[]> answer =
        send(
            "GET",
            "/v2/" + repository + "/manifests/" + reference,
            repository,
            Map.of("Accept", ACCEPT_MANIFESTS),
            info -> new LimitedBytes(MAX_MANIFEST, true, "manifest " + reference));
    if (!answer.ok()) {
      throw answer.failure(settings.clock());
    }
    byte[] bytes = answer.body();
    Optional<Digest> named = digestOf(reference);
    if (named.isEmpty()) {
      named = headerDigest(answer);
    }
    Digest actual =
        named.isPresent()
            ? ContentDigest.sameAlgorithm(named.get(), bytes)
            : ContentDigest.sha256(bytes);
    if (named.isPresent() && !named.get().equals(actual)) {
      throw RegistryException.of(
          ErrorClass.SERVER_ERROR,
          "manifest "
              + repository
              + ":"
              + reference
              + " is "
              + named.get()
              + " but its bytes hash to "
              + actual,
          null);
    }
    return new Manifest(actual, mediaType(answer), bytes);
  }

  /** What a {@code HEAD} of the manifest says; empty if there is none (404). */
  public Optional<ManifestHead> headManifest(String repository, String reference)
      throws RegistryException {
    Transport.Response<Void> answer =
        send(
            "HEAD",
            "/v2/" + repository + "/manifests/" + reference,
            repository,
            Map.of("Accept", ACCEPT_MANIFESTS),
            BodyHandlers.discarding());
    if (answer.status() == 404) {
      return Optional.empty();
    }
    if (!answer.ok()) {
      throw answer.failure(settings.clock());
    }
    Optional<Digest> digest = headerDigest(answer).or(() -> digestOf(reference));
    if (digest.isEmpty()) {
      Manifest manifest = getManifest(repository, reference); // a registry that does not say
      return Optional.of(
          new ManifestHead(manifest.digest(), manifest.mediaType(), manifest.size()));
    }
    long size = answer.headers().firstValueAsLong("Content-Length").orElse(-1);
    return Optional.of(new ManifestHead(digest.get(), mediaType(answer), size));
  }

  /** Stores a manifest under {@code reference}; returns its digest, as the registry confirmed. */
  public Digest putManifest(String repository, String reference, String mediaType, byte[] bytes)
      throws RegistryException {
    Digest digest = ContentDigest.sha256(bytes);
    byte[] copy = bytes.clone();
    Transport.Response<Void> answer =
        exchange.send(
            new Exchange.Call(
                "PUT",
                registry.resolve("/v2/" + repository + "/manifests/" + reference),
                Scope.forRequest(repository, "PUT"),
                Map.of("Content-Type", mediaType),
                () -> BodyPublishers.ofByteArray(copy),
                true),
            BodyHandlers.discarding(),
            deadline);
    if (!answer.ok()) {
      throw answer.failure(settings.clock());
    }
    Optional<Digest> named = headerDigest(answer);
    if (named.isPresent() && !named.get().equals(digest)) {
      throw RegistryException.of(
          ErrorClass.SERVER_ERROR,
          "the registry stored manifest " + digest + " as " + named.get(),
          null);
    }
    return digest;
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
    return page(from.orElse(first), Scope.forRequest(repository, "GET"), "tags");
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
    return page(from.orElse(first), Scope.CATALOG, "repositories");
  }

  private Page page(URI uri, Scope scope, String field) throws RegistryException {
    Transport.Response<byte[]> answer =
        exchange.send(
            Exchange.Call.of("GET", uri, scope, Map.of("Accept", "application/json")),
            info -> new LimitedBytes(MAX_MANIFEST, true, uri.getRawPath()),
            deadline);
    if (!answer.ok()) {
      throw answer.failure(settings.clock());
    }
    List<String> items = new ArrayList<>();
    try {
      for (JsonNode item : JSON.readTree(answer.body()).path(field)) {
        items.add(item.asText());
      }
    } catch (IOException e) {
      throw RegistryException.of(
          ErrorClass.SERVER_ERROR, "GET " + uri.getRawPath() + ": not JSON", e);
    }
    return new Page(items, LinkHeader.next(answer.headers().allValues("Link"), uri));
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

  private java.net.http.HttpRequest.Builder get(URI uri) {
    return java.net.http.HttpRequest.newBuilder(uri)
        .GET()
        .header("User-Agent", settings.userAgent());
  }

  private static Optional<Digest> digestOf(String reference) {
    if (!reference.contains(":")) {
      return Optional.empty();
    }
    try {
      return Optional.of(Digest.parse(reference));
    } catch (InvalidDigestException e) {
      return Optional.empty();
    }
  }

  private static Optional<Digest> headerDigest(Transport.Response<?> answer) {
    return answer.header("Docker-Content-Digest").flatMap(DistributionClient::digestOf);
  }

  private static String mediaType(Transport.Response<?> answer) {
    String type = answer.header("Content-Type").orElse("");
    int parameters = type.indexOf(';');
    return (parameters >= 0 ? type.substring(0, parameters) : type).strip();
  }
}
