package dev.regscope.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Bearer tokens by scope, each reused until shortly before it expires (a tenth of its life, at most
 * 30 s early), so a request never carries a token about to lapse and a scope costs one token
 * request per lifetime; pure apart from the clock.
 */
final class TokenCache {
  private static final Duration MAX_MARGIN = Duration.ofSeconds(30);

  private record Entry(String token, Instant refreshAt) {}

  private final Clock clock;
  private final Map<Scope, Entry> tokens = new HashMap<>();

  TokenCache(Clock clock) {
    this.clock = clock;
  }

  /** The token for {@code scope} if it is not yet due for refresh. */
  synchronized Optional<String> get(Scope scope) {
    Entry entry = tokens.get(scope);
    if (entry == null || !clock.instant().isBefore(entry.refreshAt())) {
      return Optional.empty();
    }
    return Optional.of(entry.token());
  }

  /** Keeps {@code token}, valid for {@code lifetime} from {@code receivedAt}. */
  synchronized void put(Scope scope, String token, Instant receivedAt, Duration lifetime) {
    Duration margin = lifetime.dividedBy(10);
    if (margin.compareTo(MAX_MARGIN) > 0) {
      margin = MAX_MARGIN;
    }
    tokens.put(scope, new Entry(token, receivedAt.plus(lifetime).minus(margin)));
  }

  /** Forgets the token of {@code scope} if it is still {@code token} (the registry refused it). */
  synchronized void invalidate(Scope scope, String token) {
    Entry entry = tokens.get(scope);
    if (entry != null && entry.token().equals(token)) {
      tokens.remove(scope);
    }
  }

  synchronized void clear() {
    tokens.clear();
  }
}
