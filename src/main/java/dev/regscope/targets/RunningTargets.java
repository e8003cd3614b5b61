package dev.regscope.targets;

import dev.regscope.metrics.TargetsExposition;
import dev.regscope.model.ScanProblem;
import dev.regscope.registry.ClientSettings;
import dev.regscope.registry.CredentialSource;
import dev.regscope.registry.TlsSettings;
import dev.regscope.scan.PeriodicScans;
import dev.regscope.scan.api.ApiScanSettings;
import dev.regscope.scan.api.ApiScanner;
import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The targets of a targets file, each scanned on its own schedule by its own API source, publishing
 * into one {@link TargetsExposition}. Applying a new list starts what is new, stops what is gone,
 * restarts what changed and leaves the rest running; one target failing never touches another.
 */
public final class RunningTargets implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunningTargets.class);

  private record Running(TargetSpec spec, ApiScanner scanner, PeriodicScans scans) {
    void stop() {
      scans.close();
      scanner.close();
    }
  }

  private final TargetDefaults defaults;
  private final TargetsExposition exposition;
  private final Clock clock;
  private final Consumer<ScanProblem> problems;
  private final Map<String, Running> running = new LinkedHashMap<>();

  public RunningTargets(
      TargetDefaults defaults,
      TargetsExposition exposition,
      Clock clock,
      Consumer<ScanProblem> problems) {
    this.defaults = defaults;
    this.exposition = exposition;
    this.clock = clock;
    this.problems = problems;
  }

  /**
   * Runs exactly {@code targets}. Every new source is built before anything stops, so a target that
   * cannot be built (its CA file went bad) leaves all running as they were.
   */
  public synchronized void apply(List<TargetSpec> targets) throws IOException {
    Map<String, ApiScanner> built = new HashMap<>();
    try {
      for (TargetSpec target : targets) {
        Running now = running.get(target.name());
        if (now == null || !now.spec().equals(target)) {
          built.put(target.name(), scanner(target));
        }
      }
    } catch (IOException | RuntimeException e) {
      built.values().forEach(ApiScanner::close);
      throw e;
    }
    Map<String, TargetSpec> wanted = new LinkedHashMap<>();
    targets.forEach(target -> wanted.put(target.name(), target));
    for (String name : List.copyOf(running.keySet())) {
      if (!wanted.containsKey(name) || built.containsKey(name)) {
        running.remove(name).stop();
        if (!wanted.containsKey(name)) {
          exposition.remove(name);
          LOG.info("stopped reading {}", name);
        }
      }
    }
    for (TargetSpec target : targets) {
      ApiScanner scanner = built.get(target.name());
      if (scanner != null) {
        PeriodicScans scans =
            new PeriodicScans(
                scanner,
                target.interval().orElse(defaults.interval()),
                state -> exposition.publish(target.name(), state));
        running.put(target.name(), new Running(target, scanner, scans));
        LOG.info(
            "reading {} ({}) every {}",
            target.name(),
            target.registry(),
            target.interval().orElse(defaults.interval()));
      }
    }
  }

  /** Whether every target has finished its first scan, well or not. */
  public synchronized boolean ready() {
    return running.values().stream()
        .allMatch(r -> r.scans().current().scans() + r.scans().current().failedScans() > 0);
  }

  public synchronized List<String> names() {
    return List.copyOf(running.keySet());
  }

  @Override
  public synchronized void close() {
    running.values().forEach(Running::stop);
    running.clear();
  }

  private ApiScanner scanner(TargetSpec target) throws IOException {
    ApiScanSettings settings =
        new ApiScanSettings(
            target.repositories(),
            defaults.filter(),
            target.tags(),
            defaults.pageSize(),
            target.concurrency().orElse(defaults.concurrency()));
    return ApiScanner.create(target.registry(), access(target), settings, clock, problems);
  }

  /** The target's own credentials and trust where it names them, else the command's. */
  private ClientSettings access(TargetSpec target) throws IOException {
    ClientSettings access = defaults.access();
    TargetSpec.Access own = target.access();
    if (own.passwordFile().isPresent()) {
      access =
          access.withCredentials(
              CredentialSource.passwordFile(
                  own.username().orElseThrow(), own.passwordFile().get()));
    } else if (own.dockerConfig().isPresent()) {
      access = access.withCredentials(CredentialSource.dockerConfig(own.dockerConfig().get()));
    }
    if (own.hasTls()) {
      access = access.withTls(new TlsSettings(own.caFile(), own.insecureSkipTlsVerify()));
    }
    return access;
  }
}
