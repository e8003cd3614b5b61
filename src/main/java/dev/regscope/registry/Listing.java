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
    try {
      for (JsonNode item : JSON.readTree(answer.body()).path(field)) {
        items.add(item.asText());
      }
    } catch (IOException e) {
      throw RegistryException.of(
          ErrorClass.SERVER_ERROR, "GET " + uri.getRawPath() + ": not JSON", e);
    }
    return new Page(items, LinkHeader.next(answer.headers().allValues("Link"), uri));
  }
}
