package dev.regscope.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Docker token authentication server for tests (the spec a registry's {@code auth.token} config
 * expects): checks a user's password (Basic on {@code GET}) or an identity token (OAuth2 {@code
 * POST}, {@code grant_type=refresh_token}), and answers a real RS256 JWT whose {@code x5c} header
 * carries a self-signed certificate that the registry trusts through {@code rootcertbundle}
 * (registry 2.8 verifies the chain against it, then the signature with the leaf's key). Grants
 * every action asked for; counts token requests per scope.
 */
public final class TokenIssuer implements AutoCloseable {
  public static final String SERVICE = "regscope-test-registry";
  public static final String ISSUER = "regscope-test-issuer";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  private final HttpServer server;
  private final TestCertificates.KeyPair signer;
  private final Map<String, String> passwords = new ConcurrentHashMap<>();
  private final Map<String, String> identityTokens = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> byScope = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> byUserAndScope = new ConcurrentHashMap<>();
  private final AtomicInteger refused = new AtomicInteger();
  private volatile Duration lifetime = Duration.ofMinutes(5);
  private volatile String tokenField = "token";

  private TokenIssuer(HttpServer server, TestCertificates.KeyPair signer) {
    this.server = server;
    this.signer = signer;
  }

  /** Starts an issuer on 127.0.0.1 with a fresh RSA signing key made in {@code dir}. */
  public static TokenIssuer start(Path dir) {
    TestCertificates.KeyPair signer = TestCertificates.selfSigned(dir, "token-signer", "RSA");
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      server.setExecutor(Executors.newFixedThreadPool(4));
      TokenIssuer issuer = new TokenIssuer(server, signer);
      server.createContext("/token", issuer::handle);
      server.start();
      return issuer;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public TokenIssuer user(String name, String password) {
    passwords.put(name, password);
    return this;
  }

  public TokenIssuer identityToken(String token, String user) {
    identityTokens.put(token, user);
    return this;
  }

  /** The {@code expires_in} of tokens from now on. */
  public TokenIssuer lifetime(Duration value) {
    lifetime = value;
    return this;
  }

  /** Answer {@code access_token} (OAuth2 style) instead of {@code token}. */
  public TokenIssuer answerAccessToken() {
    tokenField = "access_token";
    return this;
  }

  public URI realm() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token");
  }

  /** The registry config section that makes the registry trust this issuer. */
  public String registryYaml() {
    return "auth:\n  token:\n    realm: "
        + realm()
        + "\n    service: "
        + SERVICE
        + "\n    issuer: "
        + ISSUER
        + "\n    rootcertbundle: "
        + signer.chainPem().toAbsolutePath()
        + "\n";
  }

  /** Tokens issued per scope ({@code ""} for a login without scope), since the start. */
  public Map<String, Integer> issuedByScope() {
    Map<String, Integer> counts = new TreeMap<>();
    byScope.forEach((scope, n) -> counts.put(scope, n.get()));
    return counts;
  }

  /** Tokens issued to {@code user} per scope. */
  public Map<String, Integer> issuedByScope(String user) {
    Map<String, Integer> counts = new TreeMap<>();
    byUserAndScope.forEach(
        (key, n) -> {
          if (key.startsWith(user + " ")) {
            counts.put(key.substring(user.length() + 1), n.get());
          }
        });
    return counts;
  }

  public int issued(String scope) {
    AtomicInteger n = byScope.get(scope);
    return n == null ? 0 : n.get();
  }

  /** Requests refused for wrong or missing credentials. */
  public int refused() {
    return refused.get();
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, List<String>> parameters = new TreeMap<>();
      parse(exchange.getRequestURI().getRawQuery(), parameters);
      String user;
      if (exchange.getRequestMethod().equals("POST")) {
        parse(
            new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
            parameters);
        user = postUser(parameters);
      } else {
        user = basicUser(exchange.getRequestHeaders().getFirst("Authorization"));
      }
      if (user == null) {
        refused.incrementAndGet();
        send(exchange, 401, "{\"details\":\"wrong credentials\"}");
        return;
      }
      List<String> scopes = parameters.getOrDefault("scope", List.of());
      String scopeKey = String.join(" ", scopes);
      byScope.computeIfAbsent(scopeKey, s -> new AtomicInteger()).incrementAndGet();
      byUserAndScope
          .computeIfAbsent(user + " " + scopeKey, s -> new AtomicInteger())
          .incrementAndGet();
      Instant now = Instant.now();
      String token = jwt(user, scopes, now);
      ObjectNode answer = JSON.createObjectNode();
      answer.put(tokenField, token);
      answer.put("expires_in", lifetime.toSeconds());
      answer.put("issued_at", now.toString());
      send(exchange, 200, answer.toString());
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private String basicUser(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    String decoded =
        new String(
            Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
    int colon = decoded.indexOf(':');
    String name = decoded.substring(0, colon);
    return decoded.substring(colon + 1).equals(passwords.get(name)) ? name : null;
  }

  private String postUser(Map<String, List<String>> form) {
    String grant = first(form, "grant_type");
    if ("refresh_token".equals(grant)) {
      return identityTokens.get(first(form, "refresh_token"));
    }
    if ("password".equals(grant)) {
      String name = first(form, "username");
      return name != null
              && first(form, "password") != null
              && first(form, "password").equals(passwords.get(name))
          ? name
          : null;
    }
    return null;
  }

  private String jwt(String user, List<String> scopes, Instant now)
      throws GeneralSecurityException {
    ObjectNode header = JSON.createObjectNode().put("typ", "JWT").put("alg", "RS256");
    header
        .putArray("x5c")
        .add(Base64.getEncoder().encodeToString(signer.certificate().getEncoded()));
    ObjectNode claims =
        JSON.createObjectNode()
            .put("iss", ISSUER)
            .put("sub", user)
            .put("aud", SERVICE)
            .put("exp", now.plus(lifetime).getEpochSecond())
            .put("nbf", now.getEpochSecond() - 1)
            .put("iat", now.getEpochSecond())
            .put("jti", UUID.randomUUID().toString());
    ArrayNode access = claims.putArray("access");
    for (String scope : scopes) {
      int first = scope.indexOf(':');
      int last = scope.lastIndexOf(':');
      if (first < 0 || last <= first) {
        continue;
      }
      ObjectNode entry = access.addObject();
      entry.put("type", scope.substring(0, first));
      entry.put("name", scope.substring(first + 1, last));
      ArrayNode actions = entry.putArray("actions");
      for (String action : scope.substring(last + 1).split(",")) {
        actions.add(action);
      }
    }
    String signingInput =
        URL.encodeToString(header.toString().getBytes(StandardCharsets.UTF_8))
            + "."
            + URL.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
    Signature rsa = Signature.getInstance("SHA256withRSA");
    rsa.initSign(signer.key());
    rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + URL.encodeToString(rsa.sign());
  }

  private static void parse(String query, Map<String, List<String>> into) {
    if (query == null || query.isEmpty()) {
      return;
    }
    for (String pair : query.split("&")) {
      int equals = pair.indexOf('=');
      String key =
          URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
      String value =
          equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
      into.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
  }

  private static String first(Map<String, List<String>> form, String key) {
    List<String> values = form.get(key);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }
}
