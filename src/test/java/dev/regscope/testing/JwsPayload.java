package dev.regscope.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Arrays;
import java.util.Base64;

/**
 * The payload of a libtrust-signed schema1 manifest (the body up to the first signature's {@code
 * formatLength}, then its {@code formatTail}): the bytes its digest names, which the harness checks
 * the registry's digest against.
 */
final class JwsPayload {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JwsPayload() {}

  static byte[] of(byte[] body) {
    try {
      JsonNode signature = JSON.readTree(body).path("signatures").path(0);
      JsonNode header =
          JSON.readTree(Base64.getUrlDecoder().decode(signature.path("protected").asText()));
      int length = header.path("formatLength").asInt(-1);
      byte[] tail = Base64.getUrlDecoder().decode(header.path("formatTail").asText());
      if (length < 0 || length > body.length) {
        throw new AssertionError("schema1 manifest with formatLength " + length);
      }
      byte[] payload = Arrays.copyOf(body, length + tail.length);
      System.arraycopy(tail, 0, payload, length, tail.length);
      return payload;
    } catch (IOException e) {
      throw new AssertionError("a signed schema1 manifest without a readable signature", e);
    }
  }
}
