package dev.regscope.cli;

import dev.regscope.events.RegistryNames;
import dev.regscope.events.store.EventDatabase;
import dev.regscope.metrics.ExpositionPublisher;
import dev.regscope.metrics.RestartFamilies;
import dev.regscope.metrics.ScanFreshness;
import dev.regscope.model.ScanState;
import dev.regscope.probe.Probes;
import dev.regscope.scan.OnDemandScans;
import dev.regscope.scan.PeriodicScans;
import dev.regscope.scan.ScanSource;
import dev.regscope.scan.ScanWatchdog;
import dev.regscope.scan.SnapshotSource;
import dev.regscope.server.Endpoints;
import dev.regscope.server.MetricsServer;
import dev.regscope.storage.TreeReader;
import dev.regscope.supervise.Restarts;
import dev.regscope.targets.TargetDefaults;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code regscope serve SOURCE}: the sidecar exporter, or the exporter of remote registries. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Serve Prometheus metrics about a registry (its storage folder, its HTTP API, or the registries"
            + " of a --targets-file) on /metrics; with --events-db, also receive the registry's webhook"
            + " notifications on /events.")
public final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Spec CommandSpec spec;

  @Mixin SourceArgument source;

  @Option(
      names = "--port",
      defaultValue = "" + Endpoints.DEFAULT_PORT,
      description = "Port (default: ${DEFAULT-VALUE})")
  int port;

  @Option(
      names = "--bind",
      defaultValue = "0.0.0.0",
      description = "Address to listen on (default: ${DEFAULT-VALUE})")
  String bind;

  @Option(
      names = "--scan-interval",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description =
          "Time between background scans; 0 scans on every scrape (default: ${DEFAULT-VALUE})")
  Duration scanInterval;

  @Mixin ScanOptions options;

  @Mixin ApiOptions api;

  @Mixin EventOptions events;

  @Mixin ServeProbeOptions probeOptions;

  @Mixin RegistryAccessOptions access;

  @Option(
      names = "--events-token-file",
      paramLabel = "FILE",
      description =
          "File holding the bearer token the registry sends (Authorization: Bearer <token>); required "
              + "with --events-db")
  Path tokenFile;

  @Option(
      names = "--registry-aliases",
      paramLabel = "FILE",
      description =
          "JSON object of canonical registry names to arrays of the hosts that mean the same registry")
  Path aliasesFile;

  /** Shutting down after a fatal error may take this long before the process halts. */
  private static final Duration HALT_AFTER = Duration.ofSeconds(10);

  @Option(
      names = "--targets-file",
      paramLabel = "FILE",
      description =
          "YAML list of registries to read over their HTTP APIs, each with its own repositories,"
              + " tags, interval and credentials; instead of SOURCE. Read again when it changes.")
  Path targetsFile;

  @Option(
      names = "--targets-file-check",
      hidden = true,
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "How often the targets file is looked at for changes")
  Duration targetsFileCheck;

  @Option(
      names = "--events-retention",
      defaultValue = "30d",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "Keep raw events this long, pruned at start and every hour; what they told (tags, pulls,"
              + " traffic and its daily rollup) is kept for good; 0 keeps everything"
              + " (default: ${DEFAULT-VALUE})")
  Duration retention;

  /** Lets tests stop a running server; production runs until the process is killed. */
  final CountDownLatch stop = new CountDownLatch(1);

  private volatile int exitCode;
  private volatile boolean returned;

  volatile MetricsServer server;

  /** Wraps the storage reader; tests inject faults here (a read that hangs or fails). */
  private final UnaryOperator<TreeReader> readers;

  public ServeCommand() {
    this(UnaryOperator.identity());
  }

  ServeCommand(UnaryOperator<TreeReader> readers) {
    this.readers = readers;
  }

  @Override
  public Integer call() throws Exception {
    options.validate(spec);
    InetSocketAddress listen = Addresses.listen(spec, bind, port);
    if (!events.enabled() && (tokenFile != null || aliasesFile != null)) {
      throw new BadValue(
          spec.commandLine(),
          (tokenFile != null ? "--events-token-file" : "--registry-aliases")
              + " needs --events-db");
    }
    if (targetsFile != null) {
      return serveTargets(listen);
    }
    SourceArgument.Source parsed = source.parse(spec);
    Clock clock = Clock.systemUTC();
    ScanSource scanner = options.scanner(spec, parsed, clock, api, access, readers);
    ExpositionPublisher publisher =
        new ExpositionPublisher(options.seriesFilter(), options.seriesBudget());
    // Checked before anything is opened: a bad probe option is a usage error.
    Probes probes = probeOptions.enabled() ? probeOptions.create(spec, access) : null;
    EventService eventService = null;
    MetricsServer.Events receiver = null;
    if (events.enabled()) {
      if (tokenFile == null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--events-db needs --events-token-file");
      }
      if (!(parsed instanceof SourceArgument.Folder folder)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--events-db needs a storage folder as SOURCE");
      }
      String token = EventOptions.readToken(spec, tokenFile);
      RegistryNames names = EventOptions.aliases(spec, aliasesFile);
      eventService =
          EventService.start(
              events.open(spec, EventDatabase.Timeouts.SERVE, true),
              token,
              names,
              folder.layout(),
              retention,
              events.registry,
              options.repositoryFilter(),
              options.seriesFilter());
      receiver = eventService.events();
      LOG.info(
          "receiving registry events on {} into {}, keeping raw events {}",
          Endpoints.EVENTS,
          eventService,
          retention.isZero() ? "forever" : "for " + EventService.days(retention));
    }
    Thread probeCleanup = probes == null ? null : ProbeSetup.cleanupOnExit(probes);
    Instant started = clock.instant();
    // Rendered first, so the old exposition is garbage when the heap is trimmed.
    Consumer<ScanState> afterScan = publisher.andThen(HeapTrim.forServe());
    SnapshotSource snapshots =
        scanInterval.isZero()
            ? new OnDemandScans(scanner, afterScan, this::fatal)
            : new PeriodicScans(scanner, scanInterval, afterScan, this::fatal);
    MetricsServer.Builder builder =
        MetricsServer.builder(listen)
            .scans(snapshots, publisher::exposition)
            .metrics(
                new ScanFreshness(
                    publisher::state,
                    clock,
                    started,
                    () ->
                        scanner instanceof ScanWatchdog watchdog
                            ? Optional.of(watchdog.timeout())
                            : Optional.empty()));
    // Run by `regscope supervise` (the sidecar): how often it had to start serve again.
    Restarts.decode(System.getenv(Restarts.ENV))
        .ifPresent(restarts -> builder.metrics(RestartFamilies.part(restarts)));
    if (receiver != null) {
      builder.events(receiver.receiver()).metrics(receiver.metrics());
    }
    if (scanner instanceof BucketSource bucket) {
      builder.metrics(bucket::metrics);
    }
    if (probes != null) {
      probes.addTo(builder);
    }
    try (MetricsServer running = Addresses.start(spec, builder, bind, port)) {
      server = running;
      if (probes != null) {
        probes.start();
      }
      LOG.info(
          "serving {} on http://{}:{}{} (scan interval {})",
          source.value,
          bind,
          running.port(),
          Endpoints.METRICS,
          scanInterval.isZero() ? "on scrape" : scanInterval.toString());
      stop.await();
    } finally {
      if (probes != null) {
        probes.close();
        ProbeSetup.removeHook(probeCleanup);
      }
      if (snapshots instanceof PeriodicScans periodic) {
        periodic.close();
      }
      if (eventService != null) {
        eventService.close();
      }
      returned = true;
    }
    return exitCode;
  }

  /**
   * An {@link Error} in the scan thread (memory ran out): nothing more can be trusted, so the
   * process ends with exit code 1 and Kubernetes (or systemd) starts it again. Should shutting down
   * itself hang, the process halts after {@link #HALT_AFTER}.
   */
  private void fatal(Throwable error) {
    try {
      LOG.error("fatal error in the scan thread; exiting so that regscope is restarted", error);
    } catch (Throwable ignored) {
      // logging needs memory too; exiting matters more
    }
    exitCode = 1;
    stop.countDown();
    try {
      Thread halt =
          new Thread(
              () -> {
                try {
                  Thread.sleep(HALT_AFTER.toMillis());
                } catch (InterruptedException e) {
                  return;
                }
                if (!returned) {
                  Runtime.getRuntime().halt(1);
                }
              },
              "regscope-halt");
      halt.setDaemon(true);
      halt.start();
    } catch (Throwable cannotEvenStartAThread) {
      Runtime.getRuntime().halt(1);
    }
  }

  /** {@code serve --targets-file}: the registries of the file, over their APIs. */
  private int serveTargets(InetSocketAddress listen) throws IOException, InterruptedException {
    if (source.value != null) {
      throw new BadValue(spec.commandLine(), "give SOURCE or --targets-file, not both");
    }
    if (events.enabled()) {
      throw new BadValue(spec.commandLine(), "--events-db needs a storage folder as SOURCE");
    }
    if (scanInterval.isZero()) {
      throw new BadValue(
          spec.commandLine(), "--targets-file needs a --scan-interval longer than 0");
    }
    Probes probes = probeOptions.enabled() ? probeOptions.create(spec, access) : null;
    TargetDefaults defaults =
        new TargetDefaults(
            access.clientSettings(spec),
            scanInterval,
            api.concurrency,
            api.pageSize,
            options.repositoryFilter());
    Thread probeCleanup = probes == null ? null : ProbeSetup.cleanupOnExit(probes);
    try (ServeTargets targets =
        ServeTargets.start(spec, targetsFile, defaults, options.seriesFilter(), targetsFileCheck)) {
      MetricsServer.Builder builder = MetricsServer.builder(listen);
      targets.addTo(builder);
      if (probes != null) {
        probes.addTo(builder);
      }
      try (MetricsServer started = Addresses.start(spec, builder, bind, port)) {
        server = started;
        if (probes != null) {
          probes.start();
        }
        LOG.info(
            "serving the targets of {} on http://{}:{}{}",
            targetsFile,
            bind,
            started.port(),
            Endpoints.METRICS);
        stop.await();
      }
    } finally {
      if (probes != null) {
        probes.close();
        ProbeSetup.removeHook(probeCleanup);
      }
    }
    return 0;
  }
}
