package dev.regscope.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A second webhook endpoint for the registry under test: records every event id it is sent, so a
 * test knows what the registry sent independently of regscope (the registry keeps one queue per
 * endpoint).
 */
public final class RecordingEndpoint implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;

  /** Event id to action, in the order first received. */
  private final Map<String, String> events = new LinkedHashMap<>();

  private RecordingEndpoint(HttpServer server) {
    this.server = server;
  }

  public static RecordingEndpoint start() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
      RecordingEndpoint endpoint = new RecordingEndpoint(server);
      server.createContext(
          "/record",
          exchange -> {
            try (exchange) {
              JsonNode body = JSON.readTree(exchange.getRequestBody());
              synchronized (endpoint) {
                for (JsonNode event : body.get("events")) {
                  endpoint.events.putIfAbsent(
                      event.get("id").asText(), event.get("action").asText());
                }
              }
              exchange.sendResponseHeaders(200, -1);
            }
          });
      server.start();
      return endpoint;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/record";
  }

  /** Distinct event ids received so far. */
  public synchronized List<String> ids() {
    return new ArrayList<>(events.keySet());
  }

  /** Distinct events received so far, by action. */
  public synchronized Map<String, Long> countByAction() {
    Map<String, Long> counts = new java.util.TreeMap<>();
    events.values().forEach(action -> counts.merge(action, 1L, Long::sum));
    return counts;
  }

  /**
   * The registry's notifications section: regscope's receiver with the token, and this recorder.
   * Both retry quickly, so a test does not wait long for redeliveries.
   */
  public String registryConfig(String regscopeUrl, String token, boolean includeReferences) {
    return """
        notifications:
          events:
            includereferences: %s
          endpoints:
            - name: regscope
              url: %s
              headers:
                Authorization: [Bearer %s]
              timeout: 2s
              threshold: 1
              backoff: 250ms
            - name: recorder
              url: %s
              timeout: 2s
              threshold: 1
              backoff: 250ms
        """
        .formatted(includeReferences, regscopeUrl, token, url());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
