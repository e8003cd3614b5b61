package dev.regscope.server;

import dev.regscope.events.EventReceiver;
import dev.regscope.metrics.ExpositionPart;
import dev.regscope.scan.SnapshotSource;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP server: {@code /metrics}, {@code /-/healthy} (200 while the process lives), {@code
 * /-/ready}, and whatever else is added ({@code /events}, a probe's {@code /status}). It is the
 * registry's neighbour, so every connection has an idle deadline, headers are parsed without
 * holding a thread, bodies are written asynchronously, and webhooks have workers of their own: slow
 * or hostile clients cannot starve scrapes.
 */
public final class MetricsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);

  /** A connection that neither sends nor takes a byte for this long is closed. */
  static final long IDLE_TIMEOUT_MILLIS = 15_000;

  /** A webhook body must arrive within this, however it trickles. */
  static final long EVENTS_DEADLINE_MILLIS = 10_000;

  static final int EVENT_WORKERS = 4;
  static final int EVENT_QUEUE = 64;

  private final Server server;
  private final ServerConnector connector;
  private final List<AutoCloseable> resources;

  private MetricsServer(Server server, ServerConnector connector, List<AutoCloseable> resources) {
    this.server = server;
    this.connector = connector;
    this.resources = resources;
  }

  /**
   * Starts serving the scan's metrics; {@code source} may run a scan when asked (scan-on-scrape
   * mode).
   */
  public static MetricsServer start(
      InetSocketAddress address,
      SnapshotSource source,
      Supplier<? extends ExpositionPart> scanMetrics)
      throws IOException {
    return builder(address).scans(source, scanMetrics).start();
  }

  /** Starts serving the scan's metrics and the registry's webhook on {@code /events}. */
  public static MetricsServer start(
      InetSocketAddress address,
      SnapshotSource source,
      Supplier<? extends ExpositionPart> scanMetrics,
      Events events)
      throws IOException {
    Builder builder = builder(address).scans(source, scanMetrics);
    if (events != null) {
      builder.events(events.receiver()).metrics(events.metrics());
    }
    return builder.start();
  }

  /** The webhook receiver and the metrics it feeds. */
  public record Events(EventReceiver receiver, Supplier<? extends ExpositionPart> metrics) {}

  public static Builder builder(InetSocketAddress address) {
    return new Builder(address);
  }

  /** What the server answers; each piece is optional, {@code /-/healthy} is always there. */
  public static final class Builder {
    private final InetSocketAddress address;
    private final List<Supplier<? extends ExpositionPart>> metrics = new ArrayList<>();
    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    private final List<Supplier<Boolean>> readiness = new ArrayList<>();
    private EventReceiver events;

    private Builder(InetSocketAddress address) {
      this.address = address;
    }

    /** The scan's exposition on {@code /metrics}; ready once a scan completed. */
    public Builder scans(SnapshotSource source, Supplier<? extends ExpositionPart> exposition) {
      metrics.add(
          () -> {
            source.current(); // in scan-on-scrape mode this runs (or joins) the scan, which renders
            // on completion
            return exposition.get();
          });
      readiness.add(source::ready);
      return this;
    }

    /** A further part of {@code /metrics}, served after those before it. */
    public Builder metrics(Supplier<? extends ExpositionPart> part) {
      metrics.add(part);
      return this;
    }

    /** A further condition of readiness; {@code /-/ready} is 200 when all hold. */
    public Builder ready(Supplier<Boolean> condition) {
      readiness.add(condition);
      return this;
    }

    public Builder events(EventReceiver receiver) {
      events = receiver;
      return this;
    }

    public Builder endpoint(String path, Endpoint endpoint) {
      endpoints.put(path, endpoint);
      return this;
    }

    public MetricsServer start() throws IOException {
      return MetricsServer.start(this);
    }
  }

  private static MetricsServer start(Builder builder) throws IOException {
    QueuedThreadPool threads = new QueuedThreadPool(32, 4, 60_000);
    threads.setName("regscope-http");
    threads.setDaemon(true);
    Server server = new Server(threads);
    HttpConfiguration config = new HttpConfiguration();
    config.setSendServerVersion(false);
    config.setSendDateHeader(false);
    config.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
    ServerConnector connector =
        new ServerConnector(server, 1, 1, new HttpConnectionFactory(config));
    connector.setHost(builder.address.getHostString());
    connector.setPort(builder.address.getPort());
    connector.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
    connector.setAcceptQueueSize(128);
    server.addConnector(connector);

    List<AutoCloseable> resources = new ArrayList<>();
    Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    endpoints.put(
        Endpoints.HEALTHY, new TextEndpoint(() -> new TextEndpoint.Answer(200, "healthy")));
    List<Supplier<Boolean>> readiness = List.copyOf(builder.readiness);
    endpoints.put(
        Endpoints.READY,
        new TextEndpoint(
            () ->
                readiness.stream().allMatch(Supplier::get)
                    ? new TextEndpoint.Answer(200, "ready")
                    : new TextEndpoint.Answer(503, "not ready: no complete scan yet")));
    if (!builder.metrics.isEmpty()) {
      endpoints.put(Endpoints.METRICS, new MetricsEndpoint(builder.metrics));
    }
    if (builder.events != null) {
      ThreadPoolExecutor workers =
          new ThreadPoolExecutor(
              EVENT_WORKERS,
              EVENT_WORKERS,
              60,
              TimeUnit.SECONDS,
              new ArrayBlockingQueue<>(EVENT_QUEUE),
              daemonThreads("regscope-events"));
      ScheduledExecutorService timer =
          Executors.newSingleThreadScheduledExecutor(daemonThreads("regscope-deadlines"));
      resources.add(workers::shutdownNow);
      resources.add(timer::shutdownNow);
      endpoints.put(
          Endpoints.EVENTS,
          new EventsEndpoint(builder.events, workers, timer, EVENTS_DEADLINE_MILLIS));
    }
    endpoints.putAll(builder.endpoints);
    server.setHandler(new Router(endpoints));
    try {
      server.start();
    } catch (IOException e) {
      stopQuietly(server);
      if (e.getCause() instanceof BindException || e instanceof BindException) {
        throw new BindException(
            "cannot listen on "
                + builder.address.getHostString()
                + ":"
                + builder.address.getPort()
                + ": "
                + e.getMessage());
      }
      throw e;
    } catch (Exception e) {
      stopQuietly(server);
      throw new IOException(
          "cannot start the HTTP server on " + builder.address + ": " + e.getMessage(), e);
    }
    return new MetricsServer(server, connector, resources);
  }

  private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  private static void stopQuietly(Server server) {
    try {
      server.stop();
    } catch (Exception e) {
      // already failing to start or shutting down: the first error is the one to report
      LOG.debug("stopping the HTTP server failed", e);
    }
  }

  public int port() {
    return connector.getLocalPort();
  }

  /** Connections open right now; lets tests see that a flood of clients really is held. */
  int openConnections() {
    return connector.getConnectedEndPoints().size();
  }

  @Override
  public void close() {
    stopQuietly(server);
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        // shutting down: the others still get closed
        LOG.warn("closing {} failed: {}", resource, e.toString());
      }
    }
  }
}
