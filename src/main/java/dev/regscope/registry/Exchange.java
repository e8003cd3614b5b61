package dev.regscope.registry;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpResponse.BodyHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A request as the client means it: authenticated (answering one 401 challenge), redirects followed
 * by hand (credentials go only to the same origin: storage back ends reject them), and idempotent
 * requests retried by the {@link RetryPolicy} within the deadline.
 */
final class Exchange {
  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
  private static final int MAX_REDIRECTS = 5;

  /** One request: its method, target, the token scope it needs, headers and a re-playable body. */
  record Call(
      String method,
      URI uri,
      Scope scope,
      Map<String, String> headers,
      Supplier<BodyPublisher> body,
      boolean idempotent) {
    static Call of(String method, URI uri, Scope scope, Map<String, String> headers) {
      return new Call(
          method, uri, scope, headers, HttpRequest.BodyPublishers::noBody, !method.equals("POST"));
    }
  }

  private final Transport transport;
  private final Authenticator authenticator;
  private final RetryPolicy retries;
  private final Duration timeout;
  private final Clock clock;
  private final String userAgent;

  Exchange(
      Transport transport,
      Authenticator authenticator,
      RetryPolicy retries,
      Duration timeout,
      Clock clock,
      String userAgent) {
    this.transport = transport;
    this.authenticator = authenticator;
    this.retries = retries;
    this.timeout = timeout;
    this.clock = clock;
    this.userAgent = userAgent;
  }

  /** The answer, whatever its status; throws only when there is none after every attempt. */
  <T> Transport.Response<T> send(Call call, BodyHandler<T> handler, Deadline deadline)
      throws RegistryException {
    for (int attempt = 1; ; attempt++) {
      RegistryException failure;
      try {
        Transport.Response<T> response = once(call, handler, deadline);
        if (response.ok() || !call.idempotent() || attempt >= retries.attempts()) {
          return response;
        }
        failure = response.failure(clock);
        if (!RetryPolicy.mayPass(failure)) {
          return response;
        }
      } catch (RegistryException e) {
        if (!call.idempotent() || !RetryPolicy.mayPass(e) || attempt >= retries.attempts()) {
          throw e;
        }
        failure = e;
      }
      Duration wait = retries.delay(attempt, failure);
      if (deadline.remaining(wait.plusSeconds(1)).compareTo(wait) < 0) {
        throw failure; // waiting as asked would pass the deadline
      }
      sleep(wait, failure);
    }
  }

  private <T> Transport.Response<T> once(Call call, BodyHandler<T> handler, Deadline deadline)
      throws RegistryException {
    Optional<String> authorization =
        authenticator.header(call.scope(), deadline.remaining(timeout));
    Transport.Response<T> response = send(call, call.uri(), authorization, handler, deadline);
    if (response.status() == 401
        && authenticator.challenged(
            response.headers().allValues("WWW-Authenticate"), call.scope(), authorization)) {
      authorization = authenticator.header(call.scope(), deadline.remaining(timeout));
      response = send(call, call.uri(), authorization, handler, deadline);
    }
    URI at = call.uri();
    for (int hop = 0;
        hop < MAX_REDIRECTS
            && REDIRECTS.contains(response.status())
            && (call.method().equals("GET") || call.method().equals("HEAD"));
        hop++) {
      Optional<String> location = response.header("Location");
      if (location.isEmpty()) {
        break;
      }
      URI next = at.resolve(location.get());
      Optional<String> carried = sameOrigin(call.uri(), next) ? authorization : Optional.empty();
      at = next;
      response = send(call, next, carried, handler, deadline);
    }
    return response;
  }

  private <T> Transport.Response<T> send(
      Call call, URI uri, Optional<String> authorization, BodyHandler<T> handler, Deadline deadline)
      throws RegistryException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).method(call.method(), call.body().get());
    request.header("User-Agent", userAgent);
    call.headers().forEach(request::header);
    authorization.ifPresent(value -> request.header("Authorization", value));
    return transport.send(request, handler, deadline.remaining(timeout));
  }

  static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost().equalsIgnoreCase(b.getHost())
        && a.getPort() == b.getPort();
  }

  private static void sleep(Duration wait, RegistryException failure) throws RegistryException {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure;
    }
  }
}
