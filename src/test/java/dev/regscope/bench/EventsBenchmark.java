package dev.regscope.bench;

import dev.regscope.Main;
import dev.regscope.events.EnvelopeParser;
import dev.regscope.events.EventReceiver;
import dev.regscope.events.RegistryNames;
import dev.regscope.events.StoredManifests;
import dev.regscope.events.store.EventDatabase;
import dev.regscope.events.store.EventPruner;
import dev.regscope.events.store.EventStatistics;
import dev.regscope.events.store.EventWriter;
import dev.regscope.metrics.EventExposition;
import dev.regscope.metrics.ExpositionPublisher;
import dev.regscope.metrics.SeriesFilter;
import dev.regscope.model.ScanState;
import dev.regscope.scan.RepositoryFilter;
import dev.regscope.server.MetricsServer;
import dev.regscope.testing.PostgresProcess;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * The event store as a busy registry uses it. Each store (SQLite in WAL mode with synchronous=FULL;
 * PostgreSQL with fsync on) is filled without HTTP with {@code --events} realistic events spread
 * over {@code --days} (40: a quarter of them older than the 30-day retention), then one sender
 * POSTs one event at a time to {@code /events} for {@code --seconds}, as a registry's endpoint
 * does, first alone, then while the pruner deletes the expired quarter in the background; a scraper
 * reads {@code /metrics} every 15 s throughout. Prints the store's size, the sender's rate and
 * latency, the CPU per event (this whole JVM's: receiver, store client and sender alike;
 * PostgreSQL's server runs apart), what was pruned meanwhile, and the latency of every {@code
 * regscope query}. The stores are deleted afterwards.
 *
 * <p>Run: {@code mvn -B -ntp -Pbench verify -DskipTests -Dbench.events=10000000
 * -Dbench.events.seconds=60} (the CI smoke run uses the small defaults).
 */
public final class EventsBenchmark {
  private static final String TOKEN = "bench-token";
  private static final Duration RETENTION = Duration.ofDays(30);
  private static final com.sun.management.OperatingSystemMXBean CPU =
      (com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();
  private static final List<List<String>> QUERIES =
      List.of(
          List.of("images"),
          List.of("stale", "--not-pulled-for", "30d"),
          List.of("old", "--older-than", "90d"),
          List.of("most-tagged"),
          List.of("orphan-blobs", "--older-than", "1h"),
          List.of("missing-blobs"),
          List.of("deleted"),
          List.of("traffic", "--since", "7d"));

  /** One store's numbers. */
  record Result(
      String store,
      long events,
      long fillMillis,
      long sizeBytes,
      Phase alone,
      Phase pruning,
      Map<String, Long> queryMillis) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new TreeMap<>();
    for (String arg : args) {
      String[] kv = arg.replaceFirst("^--", "").split("=", 2);
      options.put(kv[0], kv.length > 1 ? kv[1] : "true");
    }
    long events = Long.parseLong(options.getOrDefault("events", "20000"));
    int seconds = Integer.parseInt(options.getOrDefault("seconds", "5"));
    int days = Integer.parseInt(options.getOrDefault("days", "40"));
    int repositories =
        Integer.parseInt(
            options.getOrDefault("repositories", String.valueOf(Math.max(20, events / 10_000))));
    EventModel model = new EventModel(repositories, 50);
    Path dir =
        Files.createDirectories(
            Path.of(options.getOrDefault("dir", System.getProperty("java.io.tmpdir")))
                .resolve("regscope-events-bench-" + ProcessHandle.current().pid()));
    System.err.printf(
        "[bench] %,d events over %d days, %d repositories, %d s of one sender; load %s%n",
        events, days, repositories, seconds, load());
    String stores = options.getOrDefault("stores", "sqlite,postgresql");
    List<Result> results = new ArrayList<>();
    try {
      if (stores.contains("sqlite")) {
        results.add(
            run("SQLite", dir.resolve("events.db").toString(), model, events, days, seconds));
        deleteTree(dir);
      }
      if (stores.contains("postgresql")) {
        try (PostgresProcess postgres = PostgresProcess.start(dir.resolve("pg"), true)) {
          String url = postgres.newDatabase() + "&reWriteBatchedInserts=true";
          results.add(run("PostgreSQL " + postgresVersion(), url, model, events, days, seconds));
        } catch (AssertionError | RuntimeException e) {
          System.err.println(
              "[bench] PostgreSQL not run: " + e.getMessage().lines().findFirst().orElse(""));
        }
      }
    } finally {
      deleteTree(dir);
    }
    print(results, load());
  }

  private static Result run(
      String name, String location, EventModel model, long events, int days, int seconds)
      throws Exception {
    long now = System.currentTimeMillis();
    long started = System.nanoTime();
    // A bulk load (and PostgreSQL's VACUUM ANALYZE after it) takes minutes: an operator's
    // deadlines.
    try (EventDatabase loading = EventDatabase.open(location, null, EventDatabase.Timeouts.QUERY)) {
      new StoreFill(model, now, days).fill(loading, events);
    }
    long fillMillis = (System.nanoTime() - started) / 1_000_000;
    System.err.printf("[bench] %s: filled in %,d ms%n", name, fillMillis);
    try (EventDatabase database = EventDatabase.open(location, null)) {
      EventReceiver receiver =
          new EventReceiver(
              TOKEN,
              new EnvelopeParser(RegistryNames.IDENTITY),
              new EventWriter(database, StoredManifests.NONE, Clock.systemUTC()));
      EventPruner pruner = new EventPruner(database, RETENTION, Clock.systemUTC());
      ExpositionPublisher publisher = new ExpositionPublisher(SeriesFilter.ALL);
      publisher.accept(ScanState.EMPTY);
      long size = new EventStatistics(database, null).read().health().sizeBytes();
      try (EventExposition metrics =
              new EventExposition(
                      new EventStatistics(database, null),
                      receiver,
                      pruner::pruned,
                      RepositoryFilter.ALL,
                      SeriesFilter.ALL,
                      Duration.ofSeconds(15),
                      Clock.systemUTC())
                  .start();
          MetricsServer server =
              MetricsServer.start(
                  new InetSocketAddress("127.0.0.1", 0),
                  () -> ScanState.EMPTY,
                  publisher,
                  new MetricsServer.Events(receiver, metrics))) {
        Sender sender = new Sender(model, server.port());
        sender.send(500); // warm-up, not measured
        Phase alone = sender.sendFor(seconds, null);
        System.err.printf("[bench] %s: %,.0f events/s without pruning%n", name, alone.rate());
        Phase pruning = sender.sendFor(seconds, pruner);
        System.err.printf(
            "[bench] %s: %,.0f events/s while pruning, %,d pruned meanwhile%n",
            name, pruning.rate(), pruner.pruned());
        return new Result(name, events, fillMillis, size, alone, pruning, queries(location));
      }
    }
  }

  /** One sender's run: its rate, latencies, refusals, and what was pruned meanwhile. */
  record Phase(
      double rate,
      long[] latencies,
      long refused,
      long pruned,
      boolean prunedThroughout,
      double cpuMicrosPerEvent) {}

  /** One registry endpoint: one event per POST, the next once the last is answered. */
  private static final class Sender {
    private final EventModel model;
    private final URI events;
    private final URI metrics;
    private final HttpClient http =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final SplittableRandom random = new SplittableRandom(99);

    Sender(EventModel model, int port) {
      this.model = model;
      this.events = URI.create("http://127.0.0.1:" + port + "/events");
      this.metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
    }

    /** Sends for that long, with the pruner working meanwhile if one is given. */
    Phase sendFor(int seconds, EventPruner pruner) throws Exception {
      AtomicBoolean sending = new AtomicBoolean(true);
      AtomicBoolean caughtUp = new AtomicBoolean();
      long prunedBefore = pruner == null ? 0 : pruner.pruned();
      Thread pruning = pruner == null ? null : pruneWhile(pruner, sending, caughtUp);
      Thread scraping = scrapeWhile(http, metrics, sending);
      long cpuBefore = CPU.getProcessCpuTime();
      long started = System.nanoTime();
      long end = started + Duration.ofSeconds(seconds).toNanos();
      List<Long> times = new ArrayList<>();
      long refused = 0;
      while (System.nanoTime() < end) {
        long t0 = System.nanoTime();
        if (send(1) == 1) {
          times.add(System.nanoTime() - t0);
        } else {
          refused++;
        }
      }
      double window = (System.nanoTime() - started) / 1e9;
      long cpu = CPU.getProcessCpuTime() - cpuBefore;
      boolean throughout = !caughtUp.get();
      sending.set(false);
      if (pruning != null) {
        pruning.interrupt(); // the pruner stops after its batch
        pruning.join();
      }
      scraping.join();
      long[] latencies = times.stream().mapToLong(Long::longValue).sorted().toArray();
      return new Phase(
          latencies.length / window,
          latencies,
          refused,
          pruner == null ? 0 : pruner.pruned() - prunedBefore,
          pruner != null && throughout,
          cpu / 1e3 / Math.max(1, latencies.length));
    }

    /** POSTs {@code count} events one after another; returns how many were answered 200. */
    int send(int count) throws Exception {
      int ok = 0;
      for (int i = 0; i < count; i++) {
        EventModel.Event event = model.next(random, System.currentTimeMillis());
        HttpResponse<Void> response =
            http.send(
                HttpRequest.newBuilder(events)
                    .header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", "application/vnd.docker.distribution.events.v1+json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString("{\"events\":[" + event.body() + "]}"))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          ok++;
        }
      }
      return ok;
    }
  }

  /** Prunes until the sender stops; notes whether the backlog ran out before it did. */
  private static Thread pruneWhile(
      EventPruner pruner, AtomicBoolean sending, AtomicBoolean caughtUp) {
    Thread thread =
        new Thread(
            () -> {
              try {
                while (sending.get()) {
                  pruner.prune();
                  if (sending.get()) {
                    caughtUp.set(true); // one pass ended with the sender still going
                    Thread.sleep(200);
                  }
                }
              } catch (InterruptedException e) {
                // the sender stopped
              } catch (SQLException e) {
                System.err.println("[bench] pruning failed: " + e);
              }
            },
            "bench-prune");
    thread.start();
    return thread;
  }

  /** Scrapes {@code /metrics} every 15 s, as Prometheus would, until the sender stops. */
  private static Thread scrapeWhile(HttpClient http, URI metrics, AtomicBoolean sending) {
    Thread thread =
        new Thread(
            () -> {
              try {
                while (sending.get()) {
                  http.send(
                      HttpRequest.newBuilder(metrics).build(),
                      HttpResponse.BodyHandlers.discarding());
                  for (int i = 0; i < 150 && sending.get(); i++) {
                    Thread.sleep(100);
                  }
                }
              } catch (Exception e) {
                System.err.println("[bench] scraping failed: " + e);
              }
            },
            "bench-scrape");
    thread.start();
    return thread;
  }

  /**
   * Runs every {@code regscope query} through the command line as an operator would (in this JVM:
   * opening the store, checking its migrations, querying, printing the table).
   */
  private static Map<String, Long> queries(String location) {
    Map<String, Long> millis = new LinkedHashMap<>();
    PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
    for (List<String> query : QUERIES) {
      List<String> args = new ArrayList<>(List.of("query"));
      args.addAll(query);
      args.addAll(List.of("--events-db", location));
      long t0 = System.nanoTime();
      int code = Main.run(args.toArray(String[]::new), nowhere, new PrintWriter(System.err));
      millis.put(String.join(" ", query), code == 0 ? (System.nanoTime() - t0) / 1_000_000 : -1);
    }
    return millis;
  }

  private static void print(List<Result> results, String load) {
    System.out.println();
    System.out.println(
        "| store | events in store | filled in | size on disk | bytes / event | one sender |"
            + " events / s | p50 / p99 / p99.9 / max (ms) | CPU / event | refused |"
            + " pruned meanwhile |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    for (Result r : results) {
      for (Phase phase : List.of(r.alone(), r.pruning())) {
        long[] l = phase.latencies();
        boolean first = phase == r.alone();
        System.out.printf(
            Locale.ROOT,
            "| %s | %s | %s | %s | %s | %s | %,.0f | %.2f / %.2f / %.2f / %.1f | %,.0f us | %d |"
                + " %s |%n",
            first ? r.store() : "",
            first ? String.format(Locale.ROOT, "%,d", r.events()) : "",
            first ? String.format(Locale.ROOT, "%,d s", r.fillMillis() / 1000) : "",
            first
                ? String.format(Locale.ROOT, "%,.2f GiB", r.sizeBytes() / (double) (1L << 30))
                : "",
            first ? String.format(Locale.ROOT, "%,d", r.sizeBytes() / Math.max(1, r.events())) : "",
            first ? "alone" : "while pruning",
            phase.rate(),
            percentile(l, 0.5),
            percentile(l, 0.99),
            percentile(l, 0.999),
            l.length == 0 ? 0 : l[l.length - 1] / 1e6,
            phase.cpuMicrosPerEvent(),
            phase.refused(),
            first
                ? "-"
                : String.format(
                    Locale.ROOT,
                    "%,d%s",
                    phase.pruned(),
                    phase.prunedThroughout() ? " (backlog left)" : " (backlog done)"));
      }
    }
    System.out.println();
    System.out.println(
        "| query | " + String.join(" | ", results.stream().map(Result::store).toList()) + " |");
    System.out.println("|---" + "|---".repeat(results.size()) + "|");
    if (!results.isEmpty()) {
      for (String query : results.get(0).queryMillis().keySet()) {
        StringBuilder row = new StringBuilder("| `" + query + "` |");
        for (Result r : results) {
          row.append(String.format(Locale.ROOT, " %,d ms |", r.queryMillis().get(query)));
        }
        System.out.println(row);
      }
    }
    System.out.println();
    System.out.println("load average at the end (1, 5, 15 min): " + load);
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p) - 1)] / 1e6;
  }

  private static String load() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0] + ", " + parts[1] + ", " + parts[2];
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  private static String postgresVersion() {
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions.map(p -> p.getFileName().toString()).max(String::compareTo).orElse("");
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      System.err.println("[bench] cannot delete " + dir + ": " + e.getMessage());
    }
  }
}
