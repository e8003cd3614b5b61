package dev.regscope.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.events.EnvelopeParser;
import dev.regscope.events.EventReceiver;
import dev.regscope.events.RegistryNames;
import dev.regscope.events.StoredManifests;
import dev.regscope.events.store.EventDatabase;
import dev.regscope.events.store.EventWriter;
import dev.regscope.metrics.ExpositionPart;
import dev.regscope.metrics.ExpositionPublisher;
import dev.regscope.metrics.SeriesFilter;
import dev.regscope.model.ScanState;
import dev.regscope.scan.SnapshotSource;
import dev.regscope.testing.RegistryTree;
import dev.regscope.testing.Scans;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks that froze the JDK's server, each with hundreds of connections held open at once:
 * headers sent a byte at a time, requests whose answer is never read, and chunked {@code POST
 * /events} bodies that trickle (with the token). Meanwhile scrapes and probes must keep answering
 * within a second, past the server's idle timeout and the webhook deadline.
 */
@Timeout(180)
class HostileClientsTest {
  private static final String TOKEN = "hostile-test-token";
  private static final int SLOW_HEADERS = 300;
  private static final int NEVER_READING = 100;
  private static final int TRICKLING_EVENTS = 100;
  private static final Duration ATTACK = Duration.ofSeconds(20);
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(1);

  /** Far more than the socket buffers hold, so a client that never reads leaves it unsent. */
  private static final int LARGE_BODY = 16 << 20;

  @TempDir Path dir;

  private final List<Attacker> attackers = new ArrayList<>();
  private EventDatabase database;
  private MetricsServer server;

  @AfterEach
  void stop() {
    attackers.forEach(Attacker::close);
    if (server != null) {
      server.close();
    }
    if (database != null) {
      database.close();
    }
  }

  /** One hostile connection: opened, then fed a byte now and then, reopened when dropped. */
  private final class Attacker {
    private final String opening;
    private final byte[] trickle;
    private final boolean reads;
    private Socket socket;
    private int reopened;

    Attacker(String opening, String trickle, boolean reads) {
      this.opening = opening;
      this.trickle = trickle.getBytes(StandardCharsets.US_ASCII);
      this.reads = reads;
    }

    void open() throws IOException {
      socket = new Socket();
      if (!reads) {
        socket.setReceiveBufferSize(4096); // and never reads: the answer piles up at the server
      }
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
      socket.getOutputStream().write(opening.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
    }

    /** Sends the next trickle; a connection the server closed is opened again. */
    void tick() {
      try {
        OutputStream out = socket.getOutputStream();
        out.write(trickle);
        out.flush();
        if (reads && socket.getInputStream().available() > 0) {
          throw new IOException("the server answered (a deadline passed)");
        }
      } catch (IOException dropped) {
        close();
        reopened++;
        try {
          open();
        } catch (IOException e) {
          // counted by the server-side check below
        }
      }
    }

    void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }

  private void start() throws Exception {
    database = EventDatabase.open(dir.resolve("events.db").toString(), null);
    EventReceiver receiver =
        new EventReceiver(
            TOKEN,
            new EnvelopeParser(RegistryNames.IDENTITY),
            new EventWriter(database, StoredManifests.NONE, Clock.systemUTC()));
    RegistryTree tree = RegistryTree.at(dir.resolve("v2"));
    tree.repo("app").tag("v1", RegistryTree.image(tree.layer(10)));
    ExpositionPublisher publisher = new ExpositionPublisher(SeriesFilter.ALL);
    ScanState scanned = ScanState.EMPTY.after(Scans.scan(tree));
    publisher.accept(scanned);
    SnapshotSource source = () -> scanned;
    ExpositionPart filler = part(filler());
    server =
        MetricsServer.builder(new InetSocketAddress("127.0.0.1", 0))
            .scans(source, publisher)
            .metrics(() -> filler)
            .events(receiver)
            .start();
  }

  /** Comment lines: valid exposition text, as long as a very large registry's. */
  private static byte[] filler() {
    byte[] line = "# padding as long as a very large registry's exposition\n".getBytes();
    byte[] body = new byte[LARGE_BODY - LARGE_BODY % line.length];
    for (int i = 0; i < body.length; i += line.length) {
      System.arraycopy(line, 0, body, i, line.length);
    }
    return body;
  }

  private static ExpositionPart part(byte[] text) throws IOException {
    var compressed = new java.io.ByteArrayOutputStream();
    try (var gzip = new java.util.zip.GZIPOutputStream(compressed)) {
      gzip.write(text);
    }
    byte[] gzip = compressed.toByteArray();
    return new ExpositionPart() {
      @Override
      public long size(boolean asGzip) {
        return asGzip ? gzip.length : text.length;
      }

      @Override
      public InputStream open(boolean asGzip) {
        return new ByteArrayInputStream(asGzip ? gzip : text);
      }
    };
  }

  private void attack(int count, String opening, String trickle, boolean reads) throws IOException {
    for (int i = 0; i < count; i++) {
      Attacker attacker = new Attacker(opening, trickle, reads);
      attacker.open();
      attackers.add(attacker);
    }
  }

  private HttpResponse<byte[]> probe(HttpClient http, String path, Duration within)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .header("Accept-Encoding", "gzip");
    if (within != null) {
      request.timeout(within);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void scrapesAndProbesAnswerWithinASecondWhileHundredsOfHostileConnectionsStayOpen()
      throws Exception {
    start();
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(ANSWER_WITHIN)
            .build();
    // Warm up client and server code before the clock matters: the claim is about hostile
    // connections, not about a JVM compiling its first requests.
    for (int i = 0; i < 20; i++) {
      for (String path : List.of(Endpoints.METRICS, Endpoints.READY, Endpoints.HEALTHY)) {
        probe(http, path, null);
      }
    }
    System.gc();
    // Headers that never end: a byte of one more header line every tick.
    attack(
        SLOW_HEADERS,
        "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ",
        "a", /* reads */
        true);
    // A request for the (large) metrics, whose answer is never read; more requests pile up behind.
    String scrape = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    attack(NEVER_READING, scrape, scrape, /* reads */ false);
    // A webhook delivery with the token whose chunked body comes a byte at a time.
    attack(
        TRICKLING_EVENTS,
        "POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
            + TOKEN
            + "\r\nContent-Type: application/vnd.docker.distribution.events.v1+json\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n",
        "1\r\n{\r\n",
        /* reads */ true);

    long end = System.nanoTime() + ATTACK.toNanos();
    long nextTick = 0;
    long slowest = 0;
    int probes = 0;
    int mostConnections = 0;
    AtomicInteger scrapedBytes = new AtomicInteger();
    while (System.nanoTime() < end) {
      if (System.nanoTime() >= nextTick) {
        attackers.forEach(Attacker::tick);
        nextTick = System.nanoTime() + 2_000_000_000L;
      }
      mostConnections = Math.max(mostConnections, server.openConnections());
      for (String path : List.of(Endpoints.METRICS, Endpoints.READY, Endpoints.HEALTHY)) {
        long start = System.nanoTime();
        HttpResponse<byte[]> response = probe(http, path, ANSWER_WITHIN);
        long took = System.nanoTime() - start;
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        assertThat(Duration.ofNanos(took)).as("%s answered in", path).isLessThan(ANSWER_WITHIN);
        slowest = Math.max(slowest, took);
        probes++;
        if (path.equals(Endpoints.METRICS)) {
          scrapedBytes.set(gunzip(response.body()).length);
        }
      }
      Thread.sleep(100);
    }

    System.out.printf(
        "[hostile] %d probes, slowest %.1f ms, up to %d connections open at the server%n",
        probes, slowest / 1e6, mostConnections);
    assertThat(mostConnections).isGreaterThanOrEqualTo(SLOW_HEADERS + NEVER_READING);
    assertThat(scrapedBytes.get()).isGreaterThan(LARGE_BODY - 100);
    assertThat(probes).isGreaterThan(30);
  }

  private static byte[] gunzip(byte[] body) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return in.readAllBytes();
    }
  }
}
