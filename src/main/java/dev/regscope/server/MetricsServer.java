package dev.regscope.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.regscope.metrics.RegistryCollector;
import dev.regscope.scan.SnapshotSource;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * The one HTTP server: {@code /metrics} (gzip when asked, by simpleclient), {@code /-/healthy} (simpleclient's
 * own, 200 while the process lives) and {@code /-/ready} (200 once a scan has completed).
 */
public final class MetricsServer implements AutoCloseable {
  private final HTTPServer server;

  private MetricsServer(HTTPServer server) {
    this.server = server;
  }

  public static MetricsServer start(InetSocketAddress address, SnapshotSource source) throws IOException {
    CollectorRegistry registry = new CollectorRegistry();
    registry.register(new RegistryCollector(source::current));
    HttpServer http = HttpServer.create(address, 16);
    http.createContext(Endpoints.READY, exchange -> ready(exchange, source));
    return new MetricsServer(new ConcurrentHttpServer(http, registry));
  }

  /**
   * simpleclient's server, with its request pool widened: simpleclient sizes it to one core thread over an
   * unbounded queue, so concurrent scrapes would be answered one after another and, with scan-on-scrape,
   * could not share a walk.
   */
  private static final class ConcurrentHttpServer extends HTTPServer {
    private static final int THREADS = 4;

    ConcurrentHttpServer(HttpServer http, CollectorRegistry registry) throws IOException {
      super(http, registry, true);
      if (executorService instanceof ThreadPoolExecutor pool) {
        pool.setMaximumPoolSize(Math.max(pool.getMaximumPoolSize(), THREADS));
        pool.setCorePoolSize(THREADS);
      }
    }
  }

  private static void ready(HttpExchange exchange, SnapshotSource source) throws IOException {
    boolean ready = source.ready();
    byte[] body = (ready ? "ready\n" : "not ready: no complete scan yet\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(ready ? 200 : 503, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }
}
