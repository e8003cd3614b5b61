package dev.regscope.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;

/**
 * A token realm's answer: the token ({@code token}, or OAuth2's {@code access_token}) and how long
 * it lives ({@code expires_in}, 60 s when absent, as the token specification says); pure.
 */
record TokenResponse(String token, Duration lifetime) {
  static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  static TokenResponse parse(byte[] body) throws IOException {
    JsonNode root = JSON.readTree(body);
    if (root == null || !root.isObject()) {
      throw new IOException("the token answer is not a JSON object");
    }
    String token = text(root, "token");
    if (token == null) {
      token = text(root, "access_token");
    }
    if (token == null) {
      throw new IOException("the token answer holds neither token nor access_token");
    }
    JsonNode expiresIn = root.get("expires_in");
    Duration lifetime =
        expiresIn != null && expiresIn.canConvertToLong() && expiresIn.asLong() > 0
            ? Duration.ofSeconds(expiresIn.asLong())
            : DEFAULT_LIFETIME;
    return new TokenResponse(token, lifetime);
  }

  private static String text(JsonNode root, String field) {
    JsonNode value = root.get(field);
    return value != null && value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
  }
}
