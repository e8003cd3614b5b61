package dev.regscope.scan.api;

import dev.regscope.model.ApiHealth;
import dev.regscope.model.Coverage;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.ScanProblem;
import dev.regscope.model.Snapshot;
import dev.regscope.model.StoreHygiene;
import dev.regscope.registry.ClientSettings;
import dev.regscope.registry.DistributionClient;
import dev.regscope.registry.RegistryAddress;
import dev.regscope.scan.ScanProblems;
import dev.regscope.scan.ScanSource;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A registry read over its HTTP API: the same {@link Snapshot} the storage scan makes, for what an
 * API can answer (tags and what they reach; {@link Coverage#TAGS}). Each scan lists repositories
 * and tags, asks each tag's digest with a {@code HEAD}, and fetches only manifests whose digest it
 * has not seen before; the {@code ImageResolver} the storage walk uses decides what they count for.
 * A repository that cannot be read keeps the numbers of the last scan that read it; a registry that
 * cannot be reached at all fails the scan, and the previous snapshot stays published.
 */
public final class ApiScanner implements ScanSource, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiScanner.class);

  private final DistributionClient client;
  private final ApiScanSettings settings;
  private final ApiCounters counters;
  private final Clock clock;
  private final Consumer<ScanProblem> log;
  private final ExecutorService pool;
  private final ManifestMemo memo = new ManifestMemo();
  private final AtomicInteger progress = new AtomicInteger();
  private Map<String, RepositoryStats> previous = Map.of();
  private Set<String> reportedProblems = Set.of();
  private volatile int stale;

  private ApiScanner(
      DistributionClient client,
      ApiScanSettings settings,
      ApiCounters counters,
      Clock clock,
      Consumer<ScanProblem> log) {
    this.client = client;
    this.settings = settings;
    this.counters = counters;
    this.clock = clock;
    this.log = log;
    AtomicInteger count = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            settings.concurrency(),
            task -> {
              Thread thread = new Thread(task, "regscope-api-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * A source reading {@code registry} with these credentials and trust; fails only if the TLS
   * settings cannot be used.
   */
  public static ApiScanner create(
      RegistryAddress registry,
      ClientSettings access,
      ApiScanSettings settings,
      Clock clock,
      Consumer<ScanProblem> log)
      throws IOException {
    ApiCounters counters = new ApiCounters();
    DistributionClient client =
        DistributionClient.create(
            registry,
            access.withListener(counters).withConcurrency(settings.concurrency()).withClock(clock));
    return new ApiScanner(client, settings, counters, clock, log);
  }

  public RegistryAddress registry() {
    return client.registry();
  }

  @Override
  public int repositoriesScanned() {
    return progress.get();
  }

  @Override
  public Optional<ApiHealth> apiHealth() {
    return Optional.of(counters.health(stale));
  }

  @Override
  public Snapshot scan() throws IOException {
    long start = System.nanoTime();
    progress.set(0);
    ScanProblems problems = new ScanProblems(reportedProblems, log);
    List<String> names;
    try {
      names =
          RepositoryList.read(
              client, settings.repositories(), settings.filter(), settings.pageSize());
    } catch (ApiScanException e) {
      counters.error(e.reason());
      throw e;
    }
    ScanRound round =
        new ScanRound(
            client,
            settings,
            memo,
            problems,
            pool,
            !settings.repositories().isEmpty(),
            progress::incrementAndGet);
    Map<String, RepositoryRead.Result> results = round.read(names);
    if (round.unreachable().isPresent()) {
      ApiScanException failure = round.unreachable().get();
      counters.error(failure.reason());
      throw failure;
    }

    List<RepositoryStats> repositories = new ArrayList<>();
    Map<String, RepositoryStats> byName = new HashMap<>();
    List<String> failed = new ArrayList<>();
    ApiScanException firstFailure = null;
    int kept = 0;
    for (String name : names) {
      RepositoryRead.Result result = results.get(name);
      if (result instanceof RepositoryRead.Read read) {
        repositories.add(read.stats());
        byName.put(name, read.stats());
        continue;
      }
      RepositoryRead.Failed failure = (RepositoryRead.Failed) result;
      counters.error(failure.reason());
      failed.add(name + ": " + failure.message());
      if (firstFailure == null) {
        firstFailure =
            new ApiScanException(failure.reason(), name + ": " + failure.message(), null);
      }
      RepositoryStats last = previous.get(name);
      if (last != null) {
        repositories.add(last);
        byName.put(name, last);
        kept++;
      }
    }
    if (!names.isEmpty() && failed.size() == names.size()) {
      throw new ApiScanException(
          firstFailure.reason(),
          "no repository of "
              + client.registry()
              + " could be read: "
              + firstFailure.getMessage()
              + (failed.size() > 1 ? " (and " + (failed.size() - 1) + " more)" : ""),
          null);
    }
    if (!failed.isEmpty()) {
      LOG.warn(
          "{} of {} repositories of {} could not be read, keeping their last numbers: {}{}",
          failed.size(),
          names.size(),
          client.registry(),
          failed.get(0),
          failed.size() > 1 ? " (and " + (failed.size() - 1) + " more)" : "");
    }
    repositories.sort(java.util.Comparator.comparing(RepositoryStats::name));
    memo.retainOnly(round.usedManifests(), round.usedBlobs());
    previous = byName;
    stale = kept;
    List<ScanProblem> found = problems.all();
    Set<String> keys = new HashSet<>();
    found.forEach(p -> keys.add(ScanProblems.key(p)));
    reportedProblems = keys;
    return new Snapshot(
        Instant.now(clock),
        Duration.ofNanos(System.nanoTime() - start),
        repositories,
        found,
        round.usedManifests().size(),
        StoreHygiene.NONE,
        List.of(),
        Coverage.TAGS);
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }

  /** Digests of manifests known between scans; for tests of the cache. */
  int knownManifests() {
    return memo.manifestCount();
  }
}
