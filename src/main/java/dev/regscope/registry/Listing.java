package dev.regscope.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One page of {@code _catalog} or {@code tags/list}, and its {@code Link} to the next. */
final class Listing {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_PAGE = 16 << 20;

  private Listing() {}

  static Page page(
      Exchange exchange, Clock clock, URI uri, Scope scope, String field, Deadline deadline)
      throws RegistryException {
    Transport.Response<byte[]> answer =
        exchange.send(
            Exchange.Call.of("GET", uri, scope, Map.of("Accept", "application/json")),
            info -> new LimitedBytes(MAX_PAGE, true, uri.getRawPath()),
            deadline);
    if (!answer.ok()) {
      throw answer.failure(clock);
    }
    List<String> items = new ArrayList<>();
    String type = answer.header("Content-Type").orElse("no Content-Type");
    JsonNode list;
    try {
      JsonNode root = JSON.readTree(answer.body());
      list = root == null ? null : root.get(field);
      if (root == null || !root.isObject() || list != null && !list.isNull() && !list.isArray()) {
        throw RegistryException.badContent(
            ContentFault.MALFORMED,
            "GET " + uri.getRawPath() + ": not a listing of " + field + " (" + type + ")",
            null);
      }
    } catch (IOException e) {
      if (e instanceof RegistryException registry) {
        throw registry;
      }
      // HTML from a proxy or a login page, or JSON cut short.
      throw RegistryException.badContent(
          ContentFault.MALFORMED, "GET " + uri.getRawPath() + ": not JSON (" + type + ")", e);
    }
    if (list != null) {
      for (JsonNode item : list) {
        items.add(item.asText());
      }
    }
    return new Page(items, LinkHeader.next(answer.headers().allValues("Link"), uri));
  }
}
