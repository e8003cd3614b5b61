package dev.regscope.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code errors[].code} values of a registry's error answer ({@code {"errors":[{"code":
 * "UNSUPPORTED", ...}]}}); structured fields, never the message text; pure.
 */
final class ErrorBody {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ErrorBody() {}

  static List<String> codes(byte[] body) {
    if (body == null || body.length == 0) {
      return List.of();
    }
    try {
      JsonNode errors = JSON.readTree(body).path("errors");
      List<String> codes = new ArrayList<>();
      for (JsonNode error : errors) {
        JsonNode code = error.get("code");
        if (code != null && code.isTextual()) {
          codes.add(code.asText());
        }
      }
      return codes;
    } catch (IOException | RuntimeException e) {
      return List.of(); // HTML from a proxy, or nothing: the status alone decides
    }
  }
}
