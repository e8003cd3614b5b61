package dev.regscope.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy in front of a real registry on 127.0.0.1 that passes requests through, or, when
 * told, misbehaves: answers every request late, with a chosen status (and {@code Retry-After}), or
 * sends headers and half a body and then stalls. {@code Location} headers are rewritten so uploads
 * keep going through the proxy.
 */
public final class FaultProxy implements AutoCloseable {
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "content-length",
          "transfer-encoding",
          "host",
          "upgrade",
          "expect",
          "keep-alive",
          "date");

  /** What the proxy does with the next requests. */
  private sealed interface Fault permits Pass, Delay, Status, Stall {}

  private record Pass() implements Fault {}

  private record Delay(Duration delay) implements Fault {}

  private record Status(int status, String retryAfter) implements Fault {}

  private record Stall(String pathPart) implements Fault {}

  private final HttpServer server;
  private final ExecutorService threads;
  private final URI upstream;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile Fault fault = new Pass();

  private FaultProxy(HttpServer server, ExecutorService threads, URI upstream) {
    this.server = server;
    this.threads = threads;
    this.upstream = upstream;
  }

  /**
   * A proxy on a free port of 127.0.0.1 in front of {@code upstream} ({@code http://host:port}).
   */
  public static FaultProxy start(URI upstream) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      ExecutorService threads = Executors.newCachedThreadPool();
      server.setExecutor(threads);
      FaultProxy proxy = new FaultProxy(server, threads, upstream);
      server.createContext("/", proxy::handle);
      server.start();
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public void pass() {
    fault = new Pass();
  }

  /** Every request is answered only after {@code delay}. */
  public void delay(Duration delay) {
    fault = new Delay(delay);
  }

  /** Every request is answered with {@code status} and no body; {@code retryAfter} may be null. */
  public void answer(int status, String retryAfter) {
    fault = new Status(status, retryAfter);
  }

  /** Answers whose path contains {@code pathPart} send half their body, then nothing. */
  public void stallBodies(String pathPart) {
    fault = new Stall(pathPart);
  }

  public int requests() {
    return requests.get();
  }

  /** The most requests the proxy held at one time, from arrival until its answer began. */
  public int maxInFlight() {
    return maxInFlight.get();
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    threads.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    // Counted out as the answer begins: a sequential client may send its next request as soon as
    // it has this answer, before this thread is done.
    Runnable answering = onlyOnce(inFlight::decrementAndGet);
    try (exchange) {
      Fault now = fault;
      if (now instanceof Delay delay && !sleep(delay.delay())) {
        return;
      }
      if (now instanceof Status status) {
        answering.run();
        if (status.retryAfter() != null) {
          exchange.getResponseHeaders().set("Retry-After", status.retryAfter());
        }
        exchange.sendResponseHeaders(status.status(), -1);
        return;
      }
      HttpResponse<byte[]> answer = forward(exchange);
      answering.run();
      answer
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                  for (String value : values) {
                    exchange.getResponseHeaders().add(name, rewrite(name, value));
                  }
                }
              });
      byte[] body = answer.body();
      boolean head = exchange.getRequestMethod().equals("HEAD");
      if (head || body.length == 0) {
        answer
            .headers()
            .firstValue("Content-Length")
            .ifPresent(length -> exchange.getResponseHeaders().set("Content-Length", length));
        exchange.sendResponseHeaders(answer.statusCode(), -1);
        return;
      }
      exchange.sendResponseHeaders(answer.statusCode(), body.length);
      OutputStream out = exchange.getResponseBody();
      if (now instanceof Stall stall
          && exchange.getRequestURI().getRawPath().contains(stall.pathPart())) {
        out.write(body, 0, body.length / 2);
        out.flush();
        sleep(Duration.ofMinutes(2));
        return;
      }
      out.write(body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      answering.run();
    }
  }

  private static Runnable onlyOnce(Runnable action) {
    java.util.concurrent.atomic.AtomicBoolean done =
        new java.util.concurrent.atomic.AtomicBoolean();
    return () -> {
      if (done.compareAndSet(false, true)) {
        action.run();
      }
    };
  }

  private HttpResponse<byte[]> forward(HttpExchange exchange)
      throws IOException, InterruptedException {
    URI target = upstream.resolve(exchange.getRequestURI().toString());
    byte[] body = exchange.getRequestBody().readAllBytes();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(target)
            .method(
                exchange.getRequestMethod(),
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
      if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
        for (String value : header.getValue()) {
          request.header(header.getKey(), value);
        }
      }
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private String rewrite(String name, String value) {
    if (name.equalsIgnoreCase("Location")) {
      String from = upstream.getScheme() + "://" + upstream.getRawAuthority();
      return value.replace(from, baseUri().toString());
    }
    return value;
  }

  /** Sleeps, unless the proxy closes first; false if it closed. */
  private boolean sleep(Duration duration) throws InterruptedException {
    return !closed.await(duration.toMillis(), TimeUnit.MILLISECONDS);
  }
}
