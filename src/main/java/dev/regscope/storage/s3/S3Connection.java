package dev.regscope.storage.s3;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * How to reach a bucket: an S3-compatible endpoint (MinIO, Ceph RGW, ...) or AWS itself, path-style
 * addressing, the region. Builds the one read-only client a source uses; credentials come from the
 * caller (the AWS SDK's default chain in production), never from a setting.
 */
public record S3Connection(Optional<URI> endpoint, boolean pathStyle, Optional<String> region) {
  /** Attempts per request: throttling ({@code SlowDown}, 503) and network errors are retried. */
  static final int MAX_ATTEMPTS = 5;

  /** The first wait after a server or network error; it doubles up to {@link #MAX_BACKOFF}. */
  static final Duration BACKOFF = Duration.ofMillis(100);

  /** The first wait after a throttled answer; it doubles up to {@link #MAX_BACKOFF}. */
  static final Duration THROTTLING_BACKOFF = Duration.ofMillis(500);

  static final Duration MAX_BACKOFF = Duration.ofSeconds(20);

  /**
   * A client counting every request into {@code requests}.
   *
   * @param threads requests sent at once, so as many connections are kept open between them
   * @throws IllegalArgumentException if no region is given or found (AWS needs one)
   */
  public S3Client open(AwsCredentialsProvider credentials, S3Requests requests, int threads) {
    // HttpURLConnection keeps 5 idle connections per host unless told otherwise; the scan keeps
    // as many requests in flight as it has threads, and each new connection costs a handshake.
    if (System.getProperty("http.maxConnections") == null) {
      System.setProperty("http.maxConnections", Integer.toString(Math.max(5, threads)));
    }
    StandardRetryStrategy retries =
        AwsRetryStrategy.standardRetryStrategy().toBuilder()
            .maxAttempts(MAX_ATTEMPTS)
            .backoffStrategy(BackoffStrategy.exponentialDelayHalfJitter(BACKOFF, MAX_BACKOFF))
            // Half jitter: a throttled bucket is always given at least half the back-off.
            .throttlingBackoffStrategy(
                BackoffStrategy.exponentialDelayHalfJitter(THROTTLING_BACKOFF, MAX_BACKOFF))
            .circuitBreakerEnabled(false)
            .build();
    var builder =
        S3Client.builder()
            .httpClient(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(10))
                    .socketTimeout(Duration.ofSeconds(60))
                    .build())
            .credentialsProvider(credentials)
            .region(Region.of(regionName()))
            .forcePathStyle(pathStyle)
            // Checksums only where S3 requires them: S3-compatible stores often lack the newer
            // ones.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .overrideConfiguration(
                override ->
                    override
                        .retryStrategy(retries)
                        .apiCallAttemptTimeout(Duration.ofSeconds(60))
                        .addExecutionInterceptor(requests.interceptor()));
    if (endpoint.isPresent()) {
      builder.endpointOverride(endpoint.get());
    } else {
      // On AWS a bucket may live in another region than the one configured: follow it there.
      builder.crossRegionAccessEnabled(true);
    }
    return builder.build();
  }

  /**
   * The region: as given; else {@code us-east-1} for an S3-compatible endpoint, which most accept
   * whatever they are; else the SDK's default chain ({@code AWS_REGION}, the profile, ...).
   */
  String regionName() {
    if (region.isPresent()) {
      return region.get();
    }
    if (endpoint.isPresent()) {
      return "us-east-1";
    }
    try {
      return new DefaultAwsRegionProviderChain().getRegion().id();
    } catch (SdkException e) {
      throw new IllegalArgumentException(
          "no AWS region found: pass --s3-region or set AWS_REGION", e);
    }
  }

  /**
   * Resolves the credentials once, at start, so that none found is one clear line then rather than
   * a failing scan later.
   *
   * @throws IllegalArgumentException naming where the SDK looked
   */
  public static void checkCredentials(AwsCredentialsProvider credentials) {
    try {
      credentials.resolveCredentials();
    } catch (SdkException e) {
      throw new IllegalArgumentException(
          "no AWS credentials found (the default chain reads AWS_ACCESS_KEY_ID and"
              + " AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws, web identity"
              + " (AWS_WEB_IDENTITY_TOKEN_FILE, as for an IRSA service account), then container and"
              + " instance metadata)",
          e);
    }
  }
}
