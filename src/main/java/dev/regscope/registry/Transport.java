package dev.regscope.registry;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP exchange, bounded as a whole (connect, headers and the body's last byte) by its timeout;
 * a successful body goes to the caller's handler, an error body (at most 64 KiB) is kept for its
 * codes. Every exchange is reported to the {@link RequestListener}; every failure without an answer
 * becomes a classified {@link RegistryException}.
 */
final class Transport {
  static final int ERROR_BODY_LIMIT = 64 * 1024;

  /** An answer: a body from the caller's handler on 2xx, else the error body. */
  record Response<T>(
      String method, URI uri, int status, HttpHeaders headers, T body, byte[] errorBody) {
    boolean ok() {
      return status >= 200 && status <= 299;
    }

    Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    List<String> codes() {
      return ErrorBody.codes(errorBody);
    }

    /** This answer as a failure, classified from its status. */
    RegistryException failure(Clock clock) {
      List<String> codes = codes();
      return new RegistryException(
          ErrorClassifier.forStatus(status),
          status,
          codes,
          RetryAfter.parse(headers.firstValue("Retry-After").orElse(null), clock.instant())
              .orElse(null),
          method + " " + uri.getRawPath() + ": " + status + (codes.isEmpty() ? "" : " " + codes),
          null);
    }
  }

  private final HttpClient http;
  private final RequestListener listener;
  private final Throttle throttle;
  private final Clock clock;

  Transport(HttpClient http, RequestListener listener, Throttle throttle, Clock clock) {
    this.http = http;
    this.listener = listener;
    this.throttle = throttle;
    this.clock = clock;
  }

  <T> Response<T> send(HttpRequest.Builder builder, BodyHandler<T> onSuccess, Duration timeout)
      throws RegistryException {
    HttpRequest request = builder.timeout(positive(timeout)).build();
    String method = request.method();
    if (timeout.isZero() || timeout.isNegative()) {
      throw RegistryException.of(
          ErrorClass.TIMEOUT,
          method + " " + request.uri().getRawPath() + ": no time left in the attempt",
          null);
    }
    BodyHandler<Object> handler =
        info -> {
          if (info.statusCode() >= 200 && info.statusCode() <= 299) {
            return BodySubscribers.mapping(onSuccess.apply(info), body -> (Object) body);
          }
          BodySubscriber<byte[]> error = new LimitedBytes(ERROR_BODY_LIMIT, false, "error body");
          return BodySubscribers.mapping(error, body -> (Object) new ErrorBytes(body));
        };
    try {
      throttle.enter();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RegistryException.of(
          ErrorClass.UNKNOWN, method + " " + request.uri().getRawPath() + ": interrupted", e);
    }
    try {
      return exchange(request, handler, timeout);
    } finally {
      throttle.leave();
    }
  }

  private <T> Response<T> exchange(
      HttpRequest request, BodyHandler<Object> handler, Duration timeout) throws RegistryException {
    String method = request.method();
    long start = System.nanoTime();
    CompletableFuture<HttpResponse<Object>> future = http.sendAsync(request, handler);
    try {
      HttpResponse<Object> response = future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      listener.answered(method, response.statusCode(), since(start));
      HttpHeaders headers = response.headers();
      RateLimitHeader.remaining(headers.firstValue(RateLimitHeader.NAME).orElse(null))
          .ifPresent(listener::rateLimitRemaining);
      throttle.answered(
          response.statusCode(),
          RetryAfter.parse(headers.firstValue("Retry-After").orElse(null), clock.instant()));
      Object body = response.body();
      @SuppressWarnings("unchecked")
      T success = body instanceof ErrorBytes ? null : (T) body;
      byte[] errorBody = body instanceof ErrorBytes e ? e.bytes() : null;
      return new Response<>(
          method, request.uri(), response.statusCode(), response.headers(), success, errorBody);
    } catch (TimeoutException e) {
      future.cancel(true);
      listener.failed(method, ErrorClass.TIMEOUT, since(start));
      throw RegistryException.of(
          ErrorClass.TIMEOUT,
          method + " " + request.uri().getRawPath() + ": no complete answer within " + timeout,
          e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      ErrorClass error = ErrorClassifier.forThrowable(cause);
      listener.failed(method, error, since(start));
      if (cause instanceof RegistryException registry) {
        throw registry; // the body did not match its digest or size
      }
      throw RegistryException.of(
          error,
          method
              + " "
              + request.uri()
              + ": "
              + (ErrorClassifier.isTls(cause) ? "TLS failure: " : "")
              + describe(cause),
          cause);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw RegistryException.of(
          ErrorClass.UNKNOWN, method + " " + request.uri().getRawPath() + ": interrupted", e);
    }
  }

  private static Duration positive(Duration timeout) {
    return timeout.isZero() || timeout.isNegative() ? Duration.ofMillis(1) : timeout;
  }

  /** The exception's type and message, and its cause's: the JDK often says only "closed". */
  static String describe(Throwable failure) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = failure; t != null && text.length() < 300; t = t.getCause()) {
      if (!text.isEmpty()) {
        text.append(" <- ");
      }
      text.append(t.getClass().getSimpleName());
      if (t.getMessage() != null) {
        text.append(": ").append(t.getMessage());
      }
    }
    return text.toString();
  }

  private static Duration since(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private record ErrorBytes(byte[] bytes) {}
}
