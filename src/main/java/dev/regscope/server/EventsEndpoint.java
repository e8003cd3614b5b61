package dev.regscope.server;

import dev.regscope.events.EventReceiver;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /events}: the registry's webhook. The body is read asynchronously (a sender that
 * trickles holds no thread) within a deadline, at most {@link #MAX_BODY_BYTES}; storing it runs on
 * the event store's own bounded workers, so deliveries can never starve scrapes, and a full queue
 * answers 503 at once (the registry retries).
 */
final class EventsEndpoint implements Endpoint {
  private static final Logger LOG = LoggerFactory.getLogger(EventsEndpoint.class);
  static final int MAX_BODY_BYTES = 1 << 20;

  /**
   * A refused body is read up to this much so the answer reaches the sender; beyond, the connection
   * drops.
   */
  private static final long DRAIN_LIMIT = 64L << 20;

  private static final Set<String> METHODS = Set.of("POST");

  private final EventReceiver receiver;
  private final ExecutorService workers;
  private final ScheduledExecutorService timer;
  private final long deadlineMillis;

  EventsEndpoint(
      EventReceiver receiver,
      ExecutorService workers,
      ScheduledExecutorService timer,
      long deadlineMillis) {
    this.receiver = receiver;
    this.workers = workers;
    this.timer = timer;
    this.deadlineMillis = deadlineMillis;
  }

  @Override
  public Set<String> methods() {
    return METHODS;
  }

  @Override
  public void handle(Request request, Response response, Callback callback) {
    String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (!receiver.authorized(authorization)) {
      receiver.refusedUnauthorized(Request.getRemoteAddr(request), authorization == null);
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
      new Delivery(request, response, callback).refuse(401, "missing or wrong bearer token");
      return;
    }
    long length = request.getLength();
    Delivery delivery = new Delivery(request, response, callback);
    if (length > MAX_BODY_BYTES) {
      delivery.refuse(413, "body of " + length + " bytes is over the limit of " + MAX_BODY_BYTES);
      return;
    }
    delivery.start(authorization);
  }

  /**
   * One request: reads its body, then answers once, whatever comes first (the body, a failure, the
   * deadline).
   */
  private final class Delivery implements Runnable {
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final AtomicBoolean answered = new AtomicBoolean();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private String authorization;
    private ScheduledFuture<?> deadline;
    private long drained;
    // Set by refuse() on the handling thread, read by run() on the thread Jetty calls back on.
    private volatile String refusal;
    private volatile int refusalStatus;

    Delivery(Request request, Response response, Callback callback) {
      this.request = request;
      this.response = response;
      this.callback = callback;
    }

    void start(String authorization) {
      this.authorization = authorization;
      deadline = timer.schedule(this::expire, deadlineMillis, TimeUnit.MILLISECONDS);
      run();
    }

    /**
     * Answers {@code status} after draining what is left of the body, so the sender sees the
     * answer.
     */
    void refuse(int status, String message) {
      refusal = message;
      refusalStatus = status;
      if (status == 413) {
        receiver.refusedTooLarge(Request.getRemoteAddr(request), message);
      }
      if (deadline == null) {
        deadline = timer.schedule(this::expire, deadlineMillis, TimeUnit.MILLISECONDS);
      }
      run();
    }

    /** Reads what is there, asks to be called again when more arrives; never waits. */
    @Override
    public void run() {
      while (!answered.get()) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          request.demand(this);
          return;
        }
        if (Content.Chunk.isFailure(chunk)) {
          fail(chunk.getFailure());
          return;
        }
        ByteBuffer bytes = chunk.getByteBuffer();
        int n = bytes.remaining();
        if (refusal != null) {
          drained += n;
        } else if (body.size() + n > MAX_BODY_BYTES) {
          refusal = "body is over the limit of " + MAX_BODY_BYTES + " bytes";
          refusalStatus = 413;
          receiver.refusedTooLarge(Request.getRemoteAddr(request), refusal);
          body.reset();
        } else {
          byte[] copy = new byte[n];
          bytes.get(copy);
          body.write(copy, 0, n);
        }
        boolean last = chunk.isLast();
        chunk.release();
        if (refusal != null && drained > DRAIN_LIMIT) {
          answer(refusalStatus, refusal, true);
          return;
        }
        if (last) {
          if (refusal != null) {
            answer(refusalStatus, refusal, false);
          } else {
            store();
          }
          return;
        }
      }
    }

    private void store() {
      byte[] received = body.toByteArray();
      try {
        workers.execute(
            () -> {
              EventReceiver.Answer answer = receiver.receive(authorization, received);
              answer(answer.status(), answer.message(), false);
            });
      } catch (RejectedExecutionException e) {
        receiver.refusedBusy();
        answer(503, "event store busy: too many deliveries at once, retry", false);
      }
    }

    private void expire() {
      if (!answered.get()) {
        LOG.debug(
            "delivery from {} not received within {} ms",
            Request.getRemoteAddr(request),
            deadlineMillis);
        answer(408, "request body not received within " + deadlineMillis + " ms", true);
      }
    }

    private void fail(Throwable failure) {
      if (answered.compareAndSet(false, true)) {
        cancelDeadline();
        callback.failed(failure);
      }
    }

    private void answer(int status, String message, boolean close) {
      if (!answered.compareAndSet(false, true)) {
        return;
      }
      cancelDeadline();
      if (close) {
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
      }
      TextReply.send(request, response, callback, status, message);
    }

    private void cancelDeadline() {
      if (deadline != null) {
        deadline.cancel(false);
      }
    }
  }
}
