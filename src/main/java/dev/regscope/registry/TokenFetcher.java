package dev.regscope.registry;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Asks a Bearer challenge's realm for a token: {@code GET realm?service=&scope=} with Basic
 * credentials (or none, for anonymous tokens), or, for an identity token, the OAuth2 {@code POST}
 * with {@code grant_type=refresh_token}.
 */
final class TokenFetcher {
  private static final int MAX_ANSWER = 1 << 20;
  private static final String CLIENT_ID = "regscope";

  private final Transport transport;
  private final Clock clock;
  private final String userAgent;

  TokenFetcher(Transport transport, Clock clock, String userAgent) {
    this.transport = transport;
    this.clock = clock;
    this.userAgent = userAgent;
  }

  TokenResponse fetch(Challenge challenge, Scope scope, Credentials credentials, Duration timeout)
      throws RegistryException {
    String realm =
        challenge
            .parameter("realm")
            .orElseThrow(
                () ->
                    RegistryException.of(
                        ErrorClass.AUTHENTICATION, "a Bearer challenge without a realm", null));
    URI realmUri;
    try {
      realmUri = URI.create(realm);
    } catch (IllegalArgumentException e) {
      throw RegistryException.of(
          ErrorClass.AUTHENTICATION, "token realm " + realm + " is not a URL", e);
    }
    if (!"https".equalsIgnoreCase(realmUri.getScheme())
        && !"http".equalsIgnoreCase(realmUri.getScheme())) {
      throw RegistryException.of(
          ErrorClass.AUTHENTICATION, "token realm " + realm + " is not an http(s) URL", null);
    }
    Map<String, String> form = new LinkedHashMap<>();
    challenge.parameter("service").ifPresent(service -> form.put("service", service));
    if (!scope.isNone()) {
      form.put("scope", scope.value());
    }
    HttpRequest.Builder request;
    if (credentials instanceof Credentials.IdentityToken identity) {
      form.put("grant_type", "refresh_token");
      form.put("refresh_token", identity.token());
      form.put("client_id", CLIENT_ID);
      request =
          HttpRequest.newBuilder(realmUri)
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
    } else {
      if (credentials instanceof Credentials.Basic basic) {
        form.put("account", basic.username());
      }
      String query = encode(form);
      String separator = realmUri.getRawQuery() == null ? "?" : "&";
      request =
          HttpRequest.newBuilder(URI.create(realm + (query.isEmpty() ? "" : separator + query)))
              .GET();
      if (credentials instanceof Credentials.Basic basic) {
        request.header("Authorization", basic.header());
      }
    }
    request.header("User-Agent", userAgent).header("Accept", "application/json");
    Transport.Response<byte[]> answer =
        transport.send(
            request, info -> new LimitedBytes(MAX_ANSWER, true, "the token answer"), timeout);
    if (answer.status() == 401 || answer.status() == 403) {
      throw new RegistryException(
          ErrorClass.AUTHENTICATION,
          answer.status(),
          answer.codes(),
          null,
          "token realm "
              + realmUri.getHost()
              + " refused "
              + (credentials instanceof Credentials.Anonymous ? "an anonymous" : credentials)
              + " token for "
              + scope
              + ": "
              + answer.status(),
          null);
    }
    if (!answer.ok()) {
      throw answer.failure(clock);
    }
    try {
      return TokenResponse.parse(answer.body());
    } catch (java.io.IOException e) {
      throw RegistryException.of(
          ErrorClass.AUTHENTICATION,
          "token realm " + realmUri.getHost() + ": " + e.getMessage(),
          e);
    }
  }

  private static String encode(Map<String, String> form) {
    return form.entrySet().stream()
        .map(
            e ->
                URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }
}
