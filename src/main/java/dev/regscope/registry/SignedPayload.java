package dev.regscope.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * The payload of a signed Docker schema1 manifest ({@code …manifest.v1+prettyjws}): the bytes its
 * digest names. Registry 2.8 stores the payload and signs it afresh on every {@code GET}, so the
 * body differs each time; the payload is the body up to the first signature's {@code formatLength}
 * followed by its {@code formatTail} (libtrust's JWS format). Pure.
 */
final class SignedPayload {
  static final String MEDIA_TYPE = "application/vnd.docker.distribution.manifest.v1+prettyjws";

  private static final ObjectMapper JSON = new ObjectMapper();

  private SignedPayload() {}

  /** The signed payload of {@code body}; empty if it carries no readable signature. */
  static Optional<byte[]> of(byte[] body) {
    try {
      JsonNode signatures = JSON.readTree(body).path("signatures");
      if (!signatures.isArray() || signatures.isEmpty()) {
        return Optional.empty();
      }
      String encoded = signatures.get(0).path("protected").asText("");
      JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(encoded));
      JsonNode length = header.get("formatLength");
      JsonNode tail = header.get("formatTail");
      if (length == null || !length.canConvertToInt() || tail == null || !tail.isTextual()) {
        return Optional.empty();
      }
      int n = length.asInt();
      if (n < 0 || n > body.length) {
        return Optional.empty();
      }
      byte[] end = Base64.getUrlDecoder().decode(tail.asText());
      byte[] payload = Arrays.copyOf(body, n + end.length);
      System.arraycopy(end, 0, payload, n, end.length);
      return Optional.of(payload);
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
