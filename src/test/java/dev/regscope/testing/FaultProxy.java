package dev.regscope.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy in front of a real registry on 127.0.0.1 that passes requests through, or, when
 * told, misbehaves: answers every request late, with a chosen status (and {@code Retry-After}), or
 * sends headers and half a body and then stalls; answers an HTML page as a captive portal would;
 * cuts bodies short. It can also page tag lists as registries other than 2.8 do ({@link TagPages}).
 * {@code Location} headers are rewritten so uploads keep going through the proxy; every request is
 * logged with its arrival time.
 */
public final class FaultProxy implements AutoCloseable {
  /** What the proxy does with the next requests. */
  private sealed interface Fault permits Pass, Delay, Status, Stall, Html, Truncate, PathStatus {}

  private record Pass() implements Fault {}

  private record Delay(Duration delay) implements Fault {}

  private record Status(int status, String retryAfter) implements Fault {}

  private record Stall(String pathPart) implements Fault {}

  private record Html() implements Fault {}

  private record Truncate(String pathPart) implements Fault {}

  private record PathStatus(String pathPart, int status) implements Fault {}

  /** A request as the proxy saw it, and when (System.nanoTime()). */
  public record Seen(String method, String path, long arrivedNanos) {}

  private final HttpServer server;
  private final ExecutorService threads;
  private final Upstream upstream;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile Fault fault = new Pass();
  private final AtomicInteger faultsLeft = new AtomicInteger(-1);
  private final List<Seen> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile boolean pageTagLists;
  private final Map<String, byte[]> fullLists = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, String> extraHeaders = new java.util.concurrent.ConcurrentHashMap<>();

  private FaultProxy(HttpServer server, ExecutorService threads, URI upstream) {
    this.server = server;
    this.threads = threads;
    this.upstream = new Upstream(upstream);
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

  /** Every request is answered 200 with an HTML page, as a login page or captive portal does. */
  public void html() {
    fault = new Html();
  }

  /** Answers whose path contains {@code pathPart} carry only the first half of their body. */
  public void truncateBodies(String pathPart) {
    fault = new Truncate(pathPart);
  }

  /** Requests whose path contains {@code pathPart} are answered {@code status}; others pass. */
  public void answerFor(String pathPart, int status) {
    fault = new PathStatus(pathPart, status);
  }

  /** The next {@code count} requests are answered {@code status}; the proxy then passes again. */
  public void answerNext(int count, int status, String retryAfter) {
    faultsLeft.set(count);
    fault = new Status(status, retryAfter);
  }

  /** Tag lists are paged by their {@code n} and {@code last}, with {@code Link} to the next. */
  public void pageTagLists() {
    pageTagLists = true;
  }

  /** Every passed answer carries this header too (a rate limit, as Docker Hub announces it). */
  public void addHeader(String name, String value) {
    extraHeaders.put(name, value);
  }

  /** Every request so far, in arrival order. */
  public List<Seen> seen() {
    return List.copyOf(seen);
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
    seen.add(
        new Seen(
            exchange.getRequestMethod(), exchange.getRequestURI().toString(), System.nanoTime()));
    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    // Counted out as the answer begins: a sequential client may send its next request as soon as
    // it has this answer, before this thread is done.
    Runnable answering = onlyOnce(inFlight::decrementAndGet);
    try (exchange) {
      Fault now = current();
      if (now instanceof Delay delay && !sleep(delay.delay())) {
        return;
      }
      if (now instanceof Html) {
        answering.run();
        byte[] page = "<html><body><h1>Sign in</h1></body></html>".getBytes();
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(200, page.length);
        exchange.getResponseBody().write(page);
        return;
      }
      if (now instanceof PathStatus only
          && exchange.getRequestURI().getRawPath().contains(only.pathPart())) {
        now = new Status(only.status(), null);
      }
      if (now instanceof Status status) {
        answering.run();
        if (status.retryAfter() != null) {
          exchange.getResponseHeaders().set("Retry-After", status.retryAfter());
        }
        exchange.sendResponseHeaders(status.status(), -1);
        return;
      }
      if (pageTagLists && TagPages.isTagList(exchange)) {
        // The full list is asked once per listing (2.8 reads every tag folder for it), then paged.
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        byte[] full = query != null && query.contains("last=") ? fullLists.get(path) : null;
        if (full == null) {
          HttpResponse<byte[]> answer = upstream.forward(exchange, path);
          if (answer.statusCode() != 200) {
            answering.run();
            exchange.sendResponseHeaders(answer.statusCode(), -1);
            return;
          }
          full = answer.body();
          fullLists.put(path, full);
        }
        answering.run();
        TagPages.Page page = TagPages.page(full, exchange.getRequestURI());
        page.link().ifPresent(link -> exchange.getResponseHeaders().set("Link", link));
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, page.body().length);
        exchange.getResponseBody().write(page.body());
        return;
      }
      HttpResponse<byte[]> answer = upstream.forward(exchange, exchange.getRequestURI().toString());
      answering.run();
      byte[] body = answer.body();
      if (now instanceof Truncate cut
          && exchange.getRequestURI().getRawPath().contains(cut.pathPart())) {
        body = java.util.Arrays.copyOf(body, body.length / 2);
      }
      upstream.copyHeaders(answer, exchange, baseUri());
      extraHeaders.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
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

  /** The fault for this request: a counted one turns into passing once its count is used up. */
  private Fault current() {
    Fault now = fault;
    if (faultsLeft.get() >= 0) {
      if (faultsLeft.getAndDecrement() <= 0) {
        faultsLeft.set(-1);
        fault = new Pass();
        return new Pass();
      }
    }
    return now;
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

  /** Sleeps, unless the proxy closes first; false if it closed. */
  private boolean sleep(Duration duration) throws InterruptedException {
    return !closed.await(duration.toMillis(), TimeUnit.MILLISECONDS);
  }
}
