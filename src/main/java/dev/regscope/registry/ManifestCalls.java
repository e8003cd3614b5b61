package dev.regscope.registry;

import dev.regscope.core.Digest;
import dev.regscope.core.InvalidDigestException;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Manifest reads and writes: every body read is checked against the digest its reference or the
 * registry names, every write against the digest the registry confirms.
 */
final class ManifestCalls {
  private final RegistryAddress registry;
  private final Exchange exchange;
  private final Clock clock;
  private final Deadline deadline;

  ManifestCalls(RegistryAddress registry, Exchange exchange, Clock clock, Deadline deadline) {
    this.registry = registry;
    this.exchange = exchange;
    this.clock = clock;
    this.deadline = deadline;
  }

  /** The manifest {@code reference} (a tag or a digest) names, its bytes checked. */
  Manifest get(String repository, String reference) throws RegistryException {
    Transport.Response<byte[]> answer =
        send(
            "GET",
            repository,
            reference,
            info ->
                new LimitedBytes(DistributionClient.MAX_MANIFEST, true, "manifest " + reference));
    if (!answer.ok()) {
      throw answer.failure(clock);
    }
    byte[] bytes = answer.body();
    if (mediaType(answer).equals(SignedPayload.MEDIA_TYPE)) {
      // The digest names the signed payload; the signatures around it change with every GET.
      bytes = SignedPayload.of(bytes).orElse(bytes);
    }
    Optional<Digest> named = digestOf(reference);
    if (named.isEmpty()) {
      named = headerDigest(answer);
    }
    Digest actual =
        named.isPresent()
            ? ContentDigest.sameAlgorithm(named.get(), bytes)
            : ContentDigest.sha256(bytes);
    if (named.isPresent() && !named.get().equals(actual)) {
      throw RegistryException.badContent(
          ContentFault.DIGEST_MISMATCH,
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
  Optional<ManifestHead> head(String repository, String reference) throws RegistryException {
    Transport.Response<Void> answer =
        send("HEAD", repository, reference, BodyHandlers.discarding());
    if (answer.status() == 404) {
      return Optional.empty();
    }
    if (!answer.ok()) {
      throw answer.failure(clock);
    }
    Optional<Digest> digest = headerDigest(answer).or(() -> digestOf(reference));
    if (digest.isEmpty()) {
      Manifest manifest = get(repository, reference); // a registry that does not say
      return Optional.of(
          new ManifestHead(manifest.digest(), manifest.mediaType(), manifest.size()));
    }
    long size = answer.headers().firstValueAsLong("Content-Length").orElse(-1);
    return Optional.of(new ManifestHead(digest.get(), mediaType(answer), size));
  }

  /** Stores a manifest under {@code reference}; returns its digest, as the registry confirmed. */
  Digest put(String repository, String reference, String mediaType, byte[] bytes)
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
      throw answer.failure(clock);
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

  private <T> Transport.Response<T> send(
      String method, String repository, String reference, BodyHandler<T> handler)
      throws RegistryException {
    return exchange.send(
        Exchange.Call.of(
            method,
            registry.resolve("/v2/" + repository + "/manifests/" + reference),
            Scope.forRequest(repository, method),
            Map.of("Accept", DistributionClient.ACCEPT_MANIFESTS)),
        handler,
        deadline);
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
    return answer.header("Docker-Content-Digest").flatMap(ManifestCalls::digestOf);
  }

  private static String mediaType(Transport.Response<?> answer) {
    String type = answer.header("Content-Type").orElse("");
    int parameters = type.indexOf(';');
    return (parameters >= 0 ? type.substring(0, parameters) : type).strip();
  }
}
