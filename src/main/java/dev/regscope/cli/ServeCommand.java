package dev.regscope.cli;

import dev.regscope.scan.OnDemandScans;
import dev.regscope.scan.PeriodicScans;
import dev.regscope.scan.Scanner;
import dev.regscope.scan.SnapshotSource;
import dev.regscope.server.Endpoints;
import dev.regscope.server.MetricsServer;
import dev.regscope.metrics.ExpositionPublisher;
import dev.regscope.storage.StorageLayout;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code regscope serve PATH}: the sidecar exporter. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Serve Prometheus metrics about a registry storage folder on /metrics.")
public final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Spec CommandSpec spec;

  @Mixin StorageArgument storage;

  @Option(names = "--port", defaultValue = "" + Endpoints.DEFAULT_PORT, description = "Port (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--bind", defaultValue = "0.0.0.0", description = "Address to listen on (default: ${DEFAULT-VALUE})")
  String bind;

  @Option(names = "--scan-interval", defaultValue = "60s", converter = DurationConverter.class,
      description = "Time between background scans; 0 scans on every scrape (default: ${DEFAULT-VALUE})")
  Duration scanInterval;

  @Mixin ScanOptions options;

  /** Lets tests stop a running server; production runs until the process is killed. */
  final CountDownLatch stop = new CountDownLatch(1);
  volatile MetricsServer server;

  @Override
  public Integer call() throws Exception {
    options.validate(spec);
    StorageLayout layout = storage.locate(spec);
    Scanner scanner = options.scanner(layout, Clock.systemUTC());
    ExpositionPublisher publisher = new ExpositionPublisher(options.seriesFilter());
    SnapshotSource source = scanInterval.isZero()
        ? new OnDemandScans(scanner, publisher) : new PeriodicScans(scanner, scanInterval, publisher);
    try (MetricsServer started = MetricsServer.start(new InetSocketAddress(bind, port), source, publisher)) {
      server = started;
      LOG.info("serving {} on http://{}:{}{} (scan interval {})", layout.root(), bind, started.port(),
          Endpoints.METRICS, scanInterval.isZero() ? "on scrape" : scanInterval.toString());
      stop.await();
    } finally {
      if (source instanceof PeriodicScans periodic) {
        periodic.close();
      }
    }
    return 0;
  }
}
