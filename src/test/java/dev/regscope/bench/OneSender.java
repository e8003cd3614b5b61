package dev.regscope.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One sender, as a registry's endpoint sends, to a {@code regscope serve} already running, of any
 * version: one event per POST, the next once the last is answered. It sends the real notifications
 * of {@code src/test/resources/notifications} in turn, each with fresh ids, or, given {@code
 * model}, the events {@link EventsBenchmark} sends ({@link EventModel}: mostly pulls of a busy
 * registry). Prints deliveries per second and p50/p99.
 *
 * <p>An events-per-second figure belongs to the machine it was measured on (a disk's fsync, a VM's
 * system calls). Running this against two builds of regscope in turn on one machine says how a
 * change compares with the code before it there, which {@link EventsBenchmark}'s absolute numbers
 * cannot. docs/performance.md has the commands.
 *
 * <p>It uses only the JDK, so it runs from {@code target/test-classes} alone. Run: {@code java -cp
 * target/test-classes dev.regscope.bench.OneSender URL TOKEN_FILE WARMUP_SECONDS SECONDS
 * [NOTIFICATIONS_DIR|model]}.
 */
public final class OneSender {
  private static final Pattern ID = Pattern.compile("\"id\": \"[^\"]+\"");

  private OneSender() {}

  /** What one run measured. */
  record Run(long deliveries, int seconds, long[] sortedNanos, long refused) {
    String line() {
      return String.format(
          Locale.ROOT,
          "%,d deliveries in %d s: %,.0f /s, p50 %.2f ms, p99 %.2f ms, refused %d",
          deliveries,
          seconds,
          deliveries / (double) seconds,
          percentile(0.50),
          percentile(0.99),
          refused);
    }

    // Nearest rank, in milliseconds, as EventsBenchmark's; kept here because this class must load
    // from target/test-classes alone, beside a jar of any version.
    private double percentile(double p) {
      if (sortedNanos.length == 0) {
        return 0;
      }
      return sortedNanos[
              Math.min(sortedNanos.length - 1, (int) Math.ceil(sortedNanos.length * p) - 1)]
          / 1e6;
    }
  }

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length < 4) {
      System.err.println(
          "usage: OneSender URL TOKEN_FILE WARMUP_SECONDS SECONDS [NOTIFICATIONS_DIR|model]");
      System.exit(2);
    }
    URI uri = URI.create(args[0]);
    String token = Files.readString(Path.of(args[1])).trim();
    String from = args.length > 4 ? args[4] : "src/test/resources/notifications";
    Supplier<String> bodies = from.equals("model") ? modelled() : replayed(Path.of(from));
    Run run = send(uri, token, bodies, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
    System.out.println(run.line());
  }

  /** The benchmark's events, as its sender sends them (one per envelope, the same seed). */
  static Supplier<String> modelled() {
    EventModel model = new EventModel(1000, 50);
    SplittableRandom random = new SplittableRandom(99);
    return () -> "{\"events\":[" + model.next(random, System.currentTimeMillis()).body() + "]}";
  }

  /** The real notifications in turn, each with fresh ids. */
  static Supplier<String> replayed(Path folder) throws IOException {
    List<String> bodies = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file :
          files
              .filter(f -> f.toString().endsWith(".json"))
              .filter(f -> !f.toString().endsWith(".headers.json"))
              .sorted()
              .toList()) {
        bodies.add(Files.readString(file));
      }
    }
    if (bodies.isEmpty()) {
      throw new IOException("no notifications in " + folder);
    }
    long[] sent = {0};
    // Fresh ids: the store keys events by id, and a redelivery is cheaper than a new event.
    return () ->
        ID.matcher(bodies.get((int) (sent[0]++ % bodies.size())))
            .replaceAll(m -> "\"id\": \"" + UUID.randomUUID() + "\"");
  }

  /** Sends for the warm-up, then measures for {@code seconds}; one request at a time. */
  static Run send(URI uri, String token, Supplier<String> bodies, int warmup, int seconds)
      throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long measureFrom = System.nanoTime() + warmup * 1_000_000_000L;
    long end = measureFrom + seconds * 1_000_000_000L;
    long[] nanos = new long[1 << 16];
    int measured = 0;
    long refused = 0;
    while (true) {
      long start = System.nanoTime();
      if (start >= end) {
        break;
      }
      String body = bodies.get();
      HttpResponse<Void> response =
          client.send(
              HttpRequest.newBuilder(uri)
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "application/vnd.docker.distribution.events.v1+json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      long took = System.nanoTime() - start;
      if (start < measureFrom) {
        continue;
      }
      // As EventsBenchmark counts: a refused delivery is no delivery, and its time is no latency.
      if (response.statusCode() != 200) {
        refused++;
        continue;
      }
      if (measured == nanos.length) {
        nanos = Arrays.copyOf(nanos, nanos.length * 2);
      }
      nanos[measured++] = took;
    }
    long[] sorted = Arrays.copyOf(nanos, measured);
    Arrays.sort(sorted);
    return new Run(measured, seconds, sorted, refused);
  }
}
