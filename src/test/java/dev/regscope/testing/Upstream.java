package dev.regscope.testing;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The registry behind a test proxy: requests passed on with their end-to-end headers, answers'
 * headers copied back with {@code Location} pointing at the proxy again.
 */
final class Upstream {
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "content-length",
          "transfer-encoding",
          "host",
          "upgrade",
          "expect",
          "keep-alive",
          "date");

  private final URI base;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  Upstream(URI base) {
    this.base = base;
  }

  /** Sends the proxied request to {@code pathAndQuery} upstream; the whole answer in memory. */
  HttpResponse<byte[]> forward(HttpExchange exchange, String pathAndQuery)
      throws IOException, InterruptedException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(pathAndQuery))
            .method(
                exchange.getRequestMethod(),
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
      if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
        for (String value : header.getValue()) {
          request.header(header.getKey(), value);
        }
      }
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The answer's end-to-end headers onto the proxy's answer. */
  void copyHeaders(HttpResponse<?> answer, HttpExchange exchange, URI proxy) {
    String from = base.getScheme() + "://" + base.getRawAuthority();
    answer
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                for (String value : values) {
                  exchange
                      .getResponseHeaders()
                      .add(
                          name,
                          name.equalsIgnoreCase("Location")
                              ? value.replace(from, proxy.toString())
                              : value);
                }
              }
            });
  }
}
