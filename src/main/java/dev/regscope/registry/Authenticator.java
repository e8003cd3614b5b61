package dev.regscope.registry;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides each request's {@code Authorization}: none until the registry challenges; then Basic
 * credentials, or a Bearer token per scope from the {@link TokenCache}, fetched once per scope and
 * lifetime even when many requests need it at once. New credentials (a rotated Secret) drop every
 * cached token.
 */
final class Authenticator {
  private final RegistryAddress registry;
  private final CredentialSource source;
  private final TokenCache cache;
  private final TokenFetcher fetcher;
  private final Clock clock;
  private final ConcurrentHashMap<Scope, Object> fetching = new ConcurrentHashMap<>();
  private volatile Challenge challenge;
  private Credentials credentials;

  Authenticator(
      RegistryAddress registry,
      CredentialSource source,
      TokenCache cache,
      TokenFetcher fetcher,
      Clock clock) {
    this.registry = registry;
    this.source = source;
    this.cache = cache;
    this.fetcher = fetcher;
    this.clock = clock;
  }

  /** The credentials now; a change since the last call drops the cached tokens. */
  synchronized Credentials credentials() {
    Credentials now = source.forRegistry(registry);
    if (credentials != null && !credentials.equals(now)) {
      cache.clear();
    }
    credentials = now;
    return now;
  }

  /** The header a request needing {@code scope} carries, fetching a token if one is due. */
  Optional<String> header(Scope scope, Duration timeout) throws RegistryException {
    Credentials now = credentials();
    Challenge known = challenge;
    if (known == null) {
      return Optional.empty();
    }
    if (known.isBasic()) {
      return now instanceof Credentials.Basic basic
          ? Optional.of(basic.header())
          : Optional.empty();
    }
    Optional<String> cached = cache.get(scope);
    if (cached.isPresent()) {
      return cached.map(token -> "Bearer " + token);
    }
    // One token request per scope, however many requests wait for it.
    synchronized (fetching.computeIfAbsent(scope, s -> new Object())) {
      cached = cache.get(scope);
      if (cached.isEmpty()) {
        TokenResponse fresh = fetcher.fetch(known, scope, now, timeout);
        cache.put(scope, fresh.token(), clock.instant(), fresh.lifetime());
        cached = Optional.of(fresh.token());
      }
    }
    return cached.map(token -> "Bearer " + token);
  }

  /**
   * Learns from a 401's challenges; true if the request is worth sending once more, with the header
   * {@link #header} now gives.
   */
  boolean challenged(List<String> wwwAuthenticate, Scope scope, Optional<String> sent) {
    Optional<Challenge> parsed = Challenge.choose(wwwAuthenticate);
    if (parsed.isEmpty()) {
      return false;
    }
    Challenge fresh = parsed.get();
    Challenge before = challenge;
    challenge = fresh;
    if (fresh.isBasic()) {
      return sent.isEmpty() && credentials() instanceof Credentials.Basic;
    }
    if (sent.isPresent() && sent.get().startsWith("Bearer ")) {
      // The token was refused (expired early, revoked, too narrow): fetch another, once.
      cache.invalidate(scope, sent.get().substring("Bearer ".length()));
      return before != null && before.isBearer();
    }
    return true;
  }

  /** The last challenge the registry sent, if any. */
  Optional<Challenge> challenge() {
    return Optional.ofNullable(challenge);
  }

  /** Remembers a challenge learnt elsewhere (a login's {@code GET /v2/}). */
  void learn(Challenge learnt) {
    challenge = learnt;
  }

  TokenFetcher fetcher() {
    return fetcher;
  }
}
