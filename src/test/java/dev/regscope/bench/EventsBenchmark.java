package dev.regscope.bench;

import dev.regscope.events.EnvelopeParser;
import dev.regscope.events.EventReceiver;
import dev.regscope.events.RegistryNames;
import dev.regscope.events.StoredManifests;
import dev.regscope.events.store.EventDatabase;
import dev.regscope.events.store.EventStatistics;
import dev.regscope.events.store.EventWriter;
import dev.regscope.metrics.EventExposition;
import dev.regscope.metrics.ExpositionPublisher;
import dev.regscope.metrics.SeriesFilter;
import dev.regscope.model.ScanState;
import dev.regscope.scan.RepositoryFilter;
import dev.regscope.server.MetricsServer;
import dev.regscope.testing.Notifications;
import dev.regscope.testing.PostgresProcess;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Events stored per second through {@code POST /events} over HTTP, with N concurrent senders (8:
 * the number), on SQLite (WAL, synchronous=FULL) and on PostgreSQL (a durable local
 * cluster, fsync on). Each sender posts the 279 real fixture events again and again, each time with
 * fresh ids, one event per POST as the registry sends them. Prints one table row per store.
 *
 * <p>Run: {@code mvn -B -ntp -Pbench verify -DskipTests} (with the scan benchmark), or alone:
 * {@code java -cp ... dev.regscope.bench.EventsBenchmark --senders=8 --seconds=10}.
 */
public final class EventsBenchmark {
  private static final String TOKEN = "bench-token";

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new TreeMap<>();
    for (String arg : args) {
      String[] kv = arg.replaceFirst("^--", "").split("=", 2);
      options.put(kv[0], kv.length > 1 ? kv[1] : "true");
    }
    int senders = Integer.parseInt(options.getOrDefault("senders", "8"));
    Duration duration = Duration.ofSeconds(Long.parseLong(options.getOrDefault("seconds", "10")));
    Path dir = Files.createTempDirectory("regscope-events-bench");
    List<String> rows = new ArrayList<>();
    rows.add(
        run(
            "SQLite (WAL, synchronous=FULL)",
            dir.resolve("events.db").toString(),
            senders,
            duration));
    try (PostgresProcess postgres = PostgresProcess.start(dir.resolve("pg"), true)) {
      rows.add(
          run(
              "PostgreSQL " + postgresVersion() + " (fsync on)",
              postgres.newDatabase(),
              senders,
              duration));
    } catch (AssertionError | RuntimeException e) {
      rows.add(
          "| PostgreSQL | not run: " + e.getMessage().lines().findFirst().orElse("") + " | | | |");
    }
    System.out.println();
    System.out.printf(
        "| store | senders | events stored / s | POST latency p50 / p99 (ms) | events stored |%n");
    System.out.println("|---|---|---|---|---|");
    rows.forEach(System.out::println);
  }

  private static String postgresVersion() {
    try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions.map(p -> p.getFileName().toString()).max(String::compareTo).orElse("");
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private static String run(String name, String location, int senders, Duration duration)
      throws Exception {
    List<byte[]> bodies = Notifications.all().stream().map(Notifications.Post::body).toList();
    try (EventDatabase database = EventDatabase.open(location, null)) {
      EventReceiver receiver =
          new EventReceiver(
              TOKEN,
              new EnvelopeParser(RegistryNames.IDENTITY),
              new EventWriter(database, StoredManifests.NONE, Clock.systemUTC()));
      ExpositionPublisher publisher = new ExpositionPublisher(SeriesFilter.ALL);
      publisher.accept(ScanState.EMPTY);
      EventExposition metrics =
          new EventExposition(
              new EventStatistics(database, null),
              receiver,
              () -> 0,
              RepositoryFilter.ALL,
              SeriesFilter.ALL,
              Duration.ofSeconds(15),
              Clock.systemUTC());
      try (MetricsServer server =
          MetricsServer.start(
              new InetSocketAddress("127.0.0.1", 0),
              () -> ScanState.EMPTY,
              publisher,
              new MetricsServer.Events(receiver, metrics))) {
        URI uri = URI.create("http://127.0.0.1:" + server.port() + "/events");
        warmUp(uri, bodies);
        long storedBefore = count(database);
        AtomicLong failures = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        long[] window = new long[2];
        for (int s = 0; s < senders; s++) {
          int sender = s;
          long[] mine = new long[1 << 20];
          latencies.add(mine);
          Thread thread =
              new Thread(
                  () -> {
                    HttpClient http =
                        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                    int n = 0;
                    try {
                      start.await();
                      long end = System.nanoTime() + duration.toNanos();
                      while (System.nanoTime() < end && n < mine.length - 1) {
                        byte[] body = fresh(bodies.get(n % bodies.size()), sender, n);
                        long t0 = System.nanoTime();
                        HttpResponse<Void> response =
                            http.send(
                                HttpRequest.newBuilder(uri)
                                    .header("Authorization", "Bearer " + TOKEN)
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                    .build(),
                                HttpResponse.BodyHandlers.discarding());
                        mine[++n] = System.nanoTime() - t0;
                        if (response.statusCode() != 200) {
                          failures.incrementAndGet();
                        }
                      }
                    } catch (Exception e) {
                      failures.incrementAndGet();
                    }
                    mine[0] = n;
                  });
          threads.add(thread);
          thread.start();
        }
        window[0] = System.nanoTime();
        start.countDown();
        for (Thread thread : threads) {
          thread.join();
        }
        window[1] = System.nanoTime();
        long stored = count(database) - storedBefore;
        double seconds = (window[1] - window[0]) / 1e9;
        long[] all =
            latencies.stream()
                .flatMapToLong(l -> Arrays.stream(l, 1, (int) l[0] + 1))
                .sorted()
                .toArray();
        if (failures.get() > 0) {
          System.err.printf("[bench] %s: %d POSTs failed%n", name, failures.get());
        }
        System.err.printf(Locale.ROOT, "[bench] %s: %d events in %.1f s%n", name, stored, seconds);
        return String.format(
            Locale.ROOT,
            "| %s | %d | %,.0f | %.1f / %.1f | %,d |",
            name,
            senders,
            stored / seconds,
            all[all.length / 2] / 1e6,
            all[(int) Math.ceil(all.length * 0.99) - 1] / 1e6,
            stored);
      }
    }
  }

  private static void warmUp(URI uri, List<byte[]> bodies) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (int i = 0; i < 300; i++) {
      http.send(
          HttpRequest.newBuilder(uri)
              .header("Authorization", "Bearer " + TOKEN)
              .POST(
                  HttpRequest.BodyPublishers.ofByteArray(
                      fresh(bodies.get(i % bodies.size()), 99, i)))
              .build(),
          HttpResponse.BodyHandlers.discarding());
    }
  }

  /** The same event with an id no other sender or round uses, in a repository of its own sender. */
  private static byte[] fresh(byte[] body, int sender, int n) {
    String text = new String(body, StandardCharsets.UTF_8);
    text =
        text.replaceFirst("\"id\": \"[^\"]+\"", "\"id\": \"bench-" + sender + "-" + n + "\"")
            .replace("\"repository\": \"", "\"repository\": \"s" + sender + "/");
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static long count(EventDatabase database) throws Exception {
    try (Connection c = database.connection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT COUNT(*) FROM events")) {
      r.next();
      return r.getLong(1);
    }
  }
}
