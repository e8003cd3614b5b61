package dev.regscope.registry;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;

/**
 * A login as {@code docker login} does it, with fresh credentials (a new token, never a cached
 * one): {@code GET /v2/} unauthenticated, then the answer to its challenge.
 */
final class LoginCheck {
  private final RegistryAddress registry;
  private final Transport transport;
  private final Authenticator authenticator;
  private final ClientSettings settings;

  LoginCheck(
      RegistryAddress registry,
      Transport transport,
      Authenticator authenticator,
      ClientSettings settings) {
    this.registry = registry;
    this.transport = transport;
    this.authenticator = authenticator;
    this.settings = settings;
  }

  Login run(Deadline deadline) throws RegistryException {
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

  private HttpRequest.Builder get(URI uri) {
    return HttpRequest.newBuilder(uri).GET().header("User-Agent", settings.userAgent());
  }
}
