package dev.regscope.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.regscope.events.EventReceiver;
import dev.regscope.metrics.EventExposition;
import dev.regscope.metrics.ExpositionPublisher;
import dev.regscope.metrics.RenderedExposition;
import dev.regscope.scan.SnapshotSource;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * The one HTTP server: {@code /metrics} (the pre-rendered exposition, gzip when asked), {@code /-/healthy}
 * (simpleclient's own, 200 while the process lives), {@code /-/ready} (200 once a scan has completed) and, with an
 * event store, {@code /events} (the registry's webhook).
 */
public final class MetricsServer implements AutoCloseable {
  static {
    // The JDK server writes a response's headers and body in separate segments; with Nagle's algorithm on, the
    // body waits for the client's delayed ACK (40 ms on Linux), which caps a webhook sender at 25 events a second
    // per connection. Read once, when the first server in this JVM starts.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HTTPServer server;

  private MetricsServer(HTTPServer server) {
    this.server = server;
  }

  /**
   * Starts serving. {@code source} decides when scans happen (asking it may run one, in scan-on-scrape mode);
   * {@code publisher} holds the exposition rendered after the last scan.
   */
  public static MetricsServer start(InetSocketAddress address, SnapshotSource source, ExpositionPublisher publisher)
      throws IOException {
    return start(address, source, publisher, null);
  }

  /**
   * Starts serving, with the registry's webhook on {@code /events} and the event metrics appended to
   * {@code /metrics} when {@code events} is given.
   */
  public static MetricsServer start(InetSocketAddress address, SnapshotSource source, ExpositionPublisher publisher,
      Events events) throws IOException {
    HttpServer http = HttpServer.create(address, 64);
    http.createContext(Endpoints.READY, exchange -> ready(exchange, source));
    ConcurrentHttpServer server = new ConcurrentHttpServer(http);
    // Replace simpleclient's render-per-scrape handler with one that copies the rendered bytes.
    http.removeContext("/");
    http.removeContext(Endpoints.METRICS);
    EventExposition eventMetrics = events == null ? null : events.metrics();
    http.createContext(Endpoints.METRICS, exchange -> metrics(exchange, source, publisher, eventMetrics));
    if (events != null) {
      EventsEndpoint endpoint = new EventsEndpoint(events.receiver());
      http.createContext(Endpoints.EVENTS, endpoint::handle);
    }
    http.createContext("/", MetricsServer::notFound);
    return new MetricsServer(server);
  }

  /** The webhook receiver and the metrics it feeds. */
  public record Events(EventReceiver receiver, EventExposition metrics) {}

  private static void metrics(HttpExchange exchange, SnapshotSource source, ExpositionPublisher publisher,
      EventExposition eventMetrics) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      source.current(); // in scan-on-scrape mode this runs (or joins) the scan, which renders on completion
      RenderedExposition exposition = publisher.exposition();
      boolean gzip = acceptsGzip(exchange);
      exchange.getResponseHeaders().set("Content-Type", TextFormat.CONTENT_TYPE_004);
      if (gzip) {
        exchange.getResponseHeaders().set("Content-Encoding", "gzip");
      }
      boolean head = exchange.getRequestMethod().equals("HEAD");
      EventExposition.Rendered extra = eventMetrics == null ? null : eventMetrics.current();
      long extraSize = extra == null ? 0 : gzip ? extra.gzip().length : extra.plain().length;
      exchange.sendResponseHeaders(200, head ? -1
          : (gzip ? exposition.gzipSize() : exposition.plainSize()) + extraSize);
      if (!head) {
        try (OutputStream body = exchange.getResponseBody()) {
          if (gzip) {
            exposition.writeGzip(body);
          } else {
            exposition.writePlain(body);
          }
          if (extra != null) {
            body.write(gzip ? extra.gzip() : extra.plain()); // a second gzip member: clients read both as one
          }
        }
      }
    }
  }

  private static boolean acceptsGzip(HttpExchange exchange) {
    for (String value : exchange.getRequestHeaders().getOrDefault("Accept-Encoding", java.util.List.of())) {
      for (String coding : value.split(",")) {
        if (coding.trim().toLowerCase(java.util.Locale.ROOT).startsWith("gzip")) {
          return true;
        }
      }
    }
    return false;
  }

  private static void notFound(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = ("not found; metrics are at " + Endpoints.METRICS + "\n").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(404, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  private static void ready(HttpExchange exchange, SnapshotSource source) throws IOException {
    try (exchange) {
      boolean ready = source.ready();
      byte[] body = (ready ? "ready\n" : "not ready: no complete scan yet\n").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(ready ? 200 : 503, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }

  /**
   * simpleclient's server (it provides {@code /-/healthy} and the lifecycle), with its request pool widened:
   * simpleclient sizes it to one core thread over an unbounded queue, so concurrent scrapes would be answered
   * one after another and, with scan-on-scrape, could not share a walk.
   */
  private static final class ConcurrentHttpServer extends HTTPServer {
    private static final int THREADS = 4;

    ConcurrentHttpServer(HttpServer http) throws IOException {
      super(http, new CollectorRegistry(), true);
      if (executorService instanceof ThreadPoolExecutor pool) {
        pool.setMaximumPoolSize(Math.max(pool.getMaximumPoolSize(), THREADS));
        pool.setCorePoolSize(THREADS);
      }
    }
  }
}
