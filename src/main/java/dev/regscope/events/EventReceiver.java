package dev.regscope.events;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides the answer to one webhook delivery: 401 without the bearer token, 400 for a body that is
 * not an envelope, 503 when the store cannot commit now (the registry keeps the event and retries),
 * 200 once committed, also for events set aside because they can never be stored (retrying them
 * would hold back the registry's queue forever). HTTP-free, so the rules are tested without a
 * server.
 */
public final class EventReceiver {
  private static final Logger LOG = LoggerFactory.getLogger(EventReceiver.class);

  /** The status and the one line to answer with. */
  public record Answer(int status, String message) {}

  private final byte[] expectedToken;
  // One limiter per kind of refusal: a flood of wrong tokens must not hide the one oversized event.
  private final RateLimitedLog unauthorized =
      new RateLimitedLog(LOG, java.time.Duration.ofMinutes(1));
  private final RateLimitedLog tooLarge = new RateLimitedLog(LOG, java.time.Duration.ofMinutes(1));
  private final RateLimitedLog busy = new RateLimitedLog(LOG, java.time.Duration.ofMinutes(1));
  private final RateLimitedLog malformed = new RateLimitedLog(LOG, java.time.Duration.ofMinutes(1));
  private final RateLimitedLog setAside = new RateLimitedLog(LOG, java.time.Duration.ofMinutes(1));
  private final RateLimitedLog failures = new RateLimitedLog(LOG, java.time.Duration.ofSeconds(10));
  private final EnvelopeParser parser;
  private final EventSink writer;
  private final AtomicLong storeErrors = new AtomicLong();
  private final AtomicLong stored = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();

  public EventReceiver(String token, EnvelopeParser parser, EventSink writer) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("the events token is empty");
    }
    this.expectedToken = token.strip().getBytes(StandardCharsets.UTF_8);
    this.parser = parser;
    this.writer = writer;
  }

  /**
   * Whether the {@code Authorization} header carries the token: {@code Bearer <token>}, the scheme
   * in any case (RFC 9110), the token compared in constant time.
   */
  public boolean authorized(String authorization) {
    if (authorization == null) {
      return false;
    }
    String value = authorization.strip();
    int space = value.indexOf(' ');
    if (space < 0 || !value.substring(0, space).equalsIgnoreCase("Bearer")) {
      return false;
    }
    return MessageDigest.isEqual(
        value.substring(space + 1).strip().getBytes(StandardCharsets.UTF_8), expectedToken);
  }

  /**
   * Logs a delivery refused for its token: the first at once, then one line a minute with the
   * count, so a sender with a wrong token shows in the log without flooding it.
   */
  public void refusedUnauthorized(String from, boolean missing) {
    unauthorized.log(
        "refused a delivery from "
            + from
            + " (401): "
            + (missing ? "no" : "wrong")
            + " bearer token");
  }

  /** Logs a delivery refused for its size (413), rate-limited like the others. */
  public void refusedTooLarge(String from, String reason) {
    tooLarge.log("refused a delivery from " + from + " (413): " + reason);
  }

  /** Logs a delivery refused because every worker was busy (503; the registry retries). */
  public void refusedBusy() {
    busy.log("refused a delivery (503): every event store worker is busy; the registry will retry");
  }

  /**
   * The answer to a delivery whose {@code Authorization} header and body (within the size limit)
   * are given.
   */
  public Answer receive(String authorization, byte[] body) {
    if (!authorized(authorization)) {
      return new Answer(401, "missing or wrong bearer token");
    }
    Delivery delivery;
    try {
      delivery = parser.parse(body);
    } catch (MalformedEventException e) {
      // Not an envelope at all: not something a registry sends. The registry retries a refused
      // delivery until it is taken, holding back the events after it: say so.
      malformed.log("refused a delivery (400): " + e.getMessage());
      return new Answer(400, e.getMessage());
    }
    EventSink.Stored result;
    try {
      result = writer.store(delivery);
    } catch (SQLException e) {
      storeErrors.incrementAndGet();
      String reason = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      failures.log("cannot store " + delivery.size() + " event(s), answered 503: " + reason);
      return new Answer(503, "event store unavailable: " + reason);
    }
    stored.addAndGet(result.total());
    rejected.addAndGet(result.rejected().size());
    for (RejectedEvent event : result.rejected()) {
      // Once per event: a redelivery of one already set aside is not logged again.
      setAside.log(
          "set aside event "
              + event.key()
              + " ("
              + event.reason().label()
              + "): "
              + event.detail()
              + "; kept raw in rejected_events, answered 200 so the registry's queue flows");
    }
    String answer = "stored " + result.total() + ", already stored " + result.replayed();
    if (!result.rejected().isEmpty()) {
      answer += ", set aside " + result.rejected().size();
    }
    return new Answer(200, answer);
  }

  public long storeErrors() {
    return storeErrors.get();
  }

  /** Events this process stored or set aside; moves whenever the store changed through it. */
  public long stored() {
    return stored.get() + rejected.get();
  }
}
