package dev.regscope.server;

import com.sun.net.httpserver.HttpExchange;
import dev.regscope.events.EventReceiver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code POST /events}: the registry's webhook. Reads at most {@link #MAX_BODY_BYTES}; the receiver decides. */
final class EventsEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(EventsEndpoint.class);
  static final int MAX_BODY_BYTES = 1 << 20;
  /** A refused body is read up to this much so the answer reaches the sender; beyond, the connection drops. */
  private static final long DRAIN_LIMIT = 64L << 20;

  private final EventReceiver receiver;

  EventsEndpoint(EventReceiver receiver) {
    this.receiver = receiver;
  }

  void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("POST")) {
        exchange.getResponseHeaders().set("Allow", "POST");
        answer(exchange, 405, "only POST is accepted here");
        return;
      }
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      if (!receiver.authorized(authorization)) {
        LOG.warn("refused a delivery from {} (401): {} bearer token", exchange.getRemoteAddress(),
            authorization == null ? "no" : "wrong");
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        answer(exchange, 401, "missing or wrong bearer token");
        return;
      }
      String length = exchange.getRequestHeaders().getFirst("Content-Length");
      if (length != null && isOver(length)) {
        drain(exchange);
        answer(exchange, 413, "body of " + length.trim() + " bytes is over the limit of " + MAX_BODY_BYTES);
        return;
      }
      byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
      if (body.length > MAX_BODY_BYTES) {
        drain(exchange);
        answer(exchange, 413, "body is over the limit of " + MAX_BODY_BYTES + " bytes");
        return;
      }
      EventReceiver.Answer answer = receiver.receive(authorization, body);
      answer(exchange, answer.status(), answer.message());
    }
  }

  /**
   * Reads (and drops) what is left of a refused body, up to a bound: closing a socket with unread bytes resets
   * the connection, and the sender would see a reset instead of the 413.
   */
  private static void drain(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      long left = DRAIN_LIMIT;
      byte[] buffer = new byte[64 * 1024];
      int read;
      while (left > 0 && (read = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
        left -= read;
      }
    }
  }

  private static boolean isOver(String length) {
    try {
      return Long.parseLong(length.trim()) > MAX_BODY_BYTES;
    } catch (NumberFormatException e) {
      return false; // the read below enforces the limit anyway
    }
  }

  private static void answer(HttpExchange exchange, int status, String message) throws IOException {
    byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }
}
