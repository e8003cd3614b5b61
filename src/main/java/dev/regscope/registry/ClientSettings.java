package dev.regscope.registry;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link DistributionClient} talks to its registry: the timeout of each request (connect,
 * headers and body), request-level retries, credentials, TLS trust, the hook that counts requests,
 * the size above which blob uploads go in chunks, the clock tokens expire by, and how many requests
 * may be in flight to the registry at once.
 */
public record ClientSettings(
    Duration timeout,
    RetryPolicy retries,
    CredentialSource credentials,
    TlsSettings tls,
    RequestListener listener,
    long uploadChunkSize,
    Clock clock,
    String userAgent,
    int concurrency) {

  public static final long DEFAULT_CHUNK_SIZE = 8L << 20;

  /** Requests in flight to one registry at once, unless told otherwise. */
  public static final int DEFAULT_CONCURRENCY = 8;

  public ClientSettings {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(retries, "retries");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(userAgent, "userAgent");
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be positive, not " + timeout);
    }
    if (uploadChunkSize < 1) {
      throw new IllegalArgumentException("upload chunk size must be positive");
    }
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, not " + concurrency);
    }
  }

  /**
   * 35 s per request, the default retries, anonymous, the system's trust, nothing counted, 8
   * requests at once.
   */
  public static ClientSettings defaults() {
    return new ClientSettings(
        Duration.ofSeconds(35),
        RetryPolicy.defaults(),
        CredentialSource.anonymous(),
        TlsSettings.SYSTEM,
        RequestListener.NONE,
        DEFAULT_CHUNK_SIZE,
        Clock.systemUTC(),
        "regscope",
        DEFAULT_CONCURRENCY);
  }

  public ClientSettings withTimeout(Duration value) {
    return new ClientSettings(
        value, retries, credentials, tls, listener, uploadChunkSize, clock, userAgent, concurrency);
  }

  public ClientSettings withRetries(RetryPolicy value) {
    return new ClientSettings(
        timeout, value, credentials, tls, listener, uploadChunkSize, clock, userAgent, concurrency);
  }

  public ClientSettings withCredentials(CredentialSource value) {
    return new ClientSettings(
        timeout, retries, value, tls, listener, uploadChunkSize, clock, userAgent, concurrency);
  }

  public ClientSettings withTls(TlsSettings value) {
    return new ClientSettings(
        timeout,
        retries,
        credentials,
        value,
        listener,
        uploadChunkSize,
        clock,
        userAgent,
        concurrency);
  }

  public ClientSettings withListener(RequestListener value) {
    return new ClientSettings(
        timeout, retries, credentials, tls, value, uploadChunkSize, clock, userAgent, concurrency);
  }

  public ClientSettings withUploadChunkSize(long value) {
    return new ClientSettings(
        timeout, retries, credentials, tls, listener, value, clock, userAgent, concurrency);
  }

  public ClientSettings withClock(Clock value) {
    return new ClientSettings(
        timeout,
        retries,
        credentials,
        tls,
        listener,
        uploadChunkSize,
        value,
        userAgent,
        concurrency);
  }

  public ClientSettings withConcurrency(int value) {
    return new ClientSettings(
        timeout, retries, credentials, tls, listener, uploadChunkSize, clock, userAgent, value);
  }
}
