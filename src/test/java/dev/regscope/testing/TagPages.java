package dev.regscope.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pages a full tag list the way the distribution spec describes and most registries do (registry
 * 2.8 ignores {@code n} on tag lists and answers every tag at once): the tags after {@code last} in
 * lexical order, at most {@code n}, with {@code Link: <…?n=N&last=T>; rel="next"} while more
 * remain.
 */
final class TagPages {
  private static final ObjectMapper JSON = new ObjectMapper();

  record Page(byte[] body, Optional<String> link) {}

  private TagPages() {}

  static boolean isTagList(HttpExchange exchange) {
    return exchange.getRequestMethod().equals("GET")
        && exchange.getRequestURI().getRawPath().endsWith("/tags/list");
  }

  static Page page(byte[] fullList, URI request) {
    try {
      JsonNode full = JSON.readTree(fullList);
      List<String> tags = new ArrayList<>();
      full.path("tags").forEach(tag -> tags.add(tag.asText()));
      tags.sort(null);
      Map<String, String> query = query(request);
      int n = Integer.parseInt(query.getOrDefault("n", Integer.toString(tags.size())));
      String last = query.get("last");
      int from = 0;
      if (last != null) {
        while (from < tags.size() && tags.get(from).compareTo(last) <= 0) {
          from++;
        }
      }
      List<String> page = tags.subList(from, Math.min(tags.size(), from + n));
      ObjectNode body = JSON.createObjectNode().put("name", full.path("name").asText());
      page.forEach(body.putArray("tags")::add);
      Optional<String> link = Optional.empty();
      if (from + page.size() < tags.size()) {
        link =
            Optional.of(
                "<"
                    + request.getRawPath()
                    + "?n="
                    + n
                    + "&last="
                    + URLEncoder.encode(page.get(page.size() - 1), StandardCharsets.UTF_8)
                    + ">; rel=\"next\"");
      }
      return new Page(JSON.writeValueAsBytes(body), link);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> query(URI request) {
    Map<String, String> values = new HashMap<>();
    if (request.getRawQuery() != null) {
      for (String pair : request.getRawQuery().split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          values.put(
              pair.substring(0, eq),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return values;
  }
}
