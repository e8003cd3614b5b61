package dev.regscope.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code auths} of a Docker {@code config.json} (also what a {@code
 * kubernetes.io/dockerconfigjson} Secret holds): per registry host, {@code auth} (base64 of {@code
 * user:password}), or {@code username} and {@code password}, or an {@code identitytoken}.
 * Credential helpers ({@code credsStore}, {@code credHelpers}) are programs, which regscope does
 * not run.
 */
public final class DockerConfig {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The names Docker Hub's entry goes by; its API answers on registry-1.docker.io. */
  private static final Set<String> DOCKER_HUB =
      Set.of("index.docker.io", "docker.io", "registry-1.docker.io", "registry.hub.docker.com");

  private final Map<String, Credentials> byHost;

  private DockerConfig(Map<String, Credentials> byHost) {
    this.byHost = byHost;
  }

  /** Parses the file's bytes; the message of the exception says what is wrong (never a secret). */
  public static DockerConfig parse(byte[] json) throws IOException {
    JsonNode root = JSON.readTree(json);
    if (root == null || !root.isObject()) {
      throw new IOException("is not a JSON object");
    }
    Map<String, Credentials> byHost = new LinkedHashMap<>();
    JsonNode auths = root.path("auths");
    Iterator<Map.Entry<String, JsonNode>> entries = auths.fields();
    while (entries.hasNext()) {
      Map.Entry<String, JsonNode> entry = entries.next();
      byHost.put(normalize(entry.getKey()), credentials(entry.getKey(), entry.getValue()));
    }
    return new DockerConfig(byHost);
  }

  /**
   * The credentials for {@code registry}: the entry of exactly its {@code host:port}, else an entry
   * of its host without a port; anonymous if none.
   */
  public Credentials forRegistry(RegistryAddress registry) {
    String authority = registry.authority().toLowerCase(Locale.ROOT);
    String host = registry.host().toLowerCase(Locale.ROOT);
    Credentials found = byHost.get(authority);
    if (found == null) {
      found = byHost.get(host);
    }
    if (found == null && DOCKER_HUB.contains(host)) {
      found = DOCKER_HUB.stream().map(byHost::get).filter(c -> c != null).findFirst().orElse(null);
    }
    return found == null ? Credentials.ANONYMOUS : found;
  }

  /** {@code https://host:port/v1/} and {@code host:port} name the same entry. */
  static String normalize(String key) {
    String k = key.trim().toLowerCase(Locale.ROOT);
    int scheme = k.indexOf("://");
    if (scheme >= 0) {
      k = k.substring(scheme + 3);
    }
    int slash = k.indexOf('/');
    return slash >= 0 ? k.substring(0, slash) : k;
  }

  private static Credentials credentials(String key, JsonNode entry) throws IOException {
    String username = text(entry, "username").orElse("");
    Optional<String> identityToken = text(entry, "identitytoken");
    Optional<String> auth = text(entry, "auth");
    if (auth.isPresent()) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(auth.get().trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IOException("the auth of " + key + " is not base64");
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw new IOException("the auth of " + key + " is not base64 of user:password");
      }
      username = decoded.substring(0, colon);
      if (identityToken.isEmpty()) {
        return new Credentials.Basic(username, decoded.substring(colon + 1));
      }
    }
    if (identityToken.isPresent()) {
      return new Credentials.IdentityToken(username, identityToken.get());
    }
    Optional<String> password = text(entry, "password");
    if (password.isPresent()) {
      return new Credentials.Basic(username, password.get());
    }
    return Credentials.ANONYMOUS;
  }

  private static Optional<String> text(JsonNode entry, String field) {
    JsonNode value = entry.get(field);
    return value != null && value.isTextual() && !value.asText().isEmpty()
        ? Optional.of(value.asText())
        : Optional.empty();
  }
}
