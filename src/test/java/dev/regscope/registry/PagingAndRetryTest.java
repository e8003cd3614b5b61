package dev.regscope.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PagingAndRetryTest {
  private final URI request = URI.create("https://r.example:5000/v2/_catalog?n=2");

  @Test
  void theNextLinkIsResolvedAgainstTheRequest() {
    assertThat(LinkHeader.next(List.of("</v2/_catalog?last=b&n=2>; rel=\"next\""), request))
        .contains(URI.create("https://r.example:5000/v2/_catalog?last=b&n=2"));
    assertThat(LinkHeader.next(List.of("<https://cdn.example/x>;rel=next"), request))
        .contains(URI.create("https://cdn.example/x"));
    assertThat(LinkHeader.next(List.of("</a>; rel=\"prev\", </b>; rel=\"last next\""), request))
        .contains(URI.create("https://r.example:5000/b"));
    assertThat(LinkHeader.next(List.of("</a>; rel=\"prev\""), request)).isEmpty();
    assertThat(LinkHeader.next(List.of(), request)).isEmpty();
  }

  @Test
  void retryAfterIsSecondsOrAnHttpDate() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    assertThat(RetryAfter.parse("7", now)).contains(Duration.ofSeconds(7));
    assertThat(RetryAfter.parse("Thu, 01 Jan 2026 00:00:30 GMT", now))
        .contains(Duration.ofSeconds(30));
    assertThat(RetryAfter.parse("Wed, 31 Dec 2025 23:00:00 GMT", now)).contains(Duration.ZERO);
    assertThat(RetryAfter.parse("soon", now)).isEmpty();
    assertThat(RetryAfter.parse(null, now)).isEmpty();
  }

  @Test
  void backOffDoublesFromTheFirstAndRetryAfterCanOnlyLengthenIt() {
    RetryPolicy policy = RetryPolicy.defaults();
    assertThat(List.of(policy.backoff(1), policy.backoff(2), policy.backoff(3), policy.backoff(4)))
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(8));
    RegistryException asksTen =
        new RegistryException(
            ErrorClass.SERVER_ERROR, 503, List.of(), Duration.ofSeconds(10), "x", null);
    RegistryException asksHalf =
        new RegistryException(
            ErrorClass.SERVER_ERROR, 429, List.of(), Duration.ofMillis(500), "x", null);
    assertThat(policy.delay(1, asksTen)).isEqualTo(Duration.ofSeconds(10));
    assertThat(policy.delay(2, asksHalf)).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void onlyFailuresThatMayPassAreRetried() {
    assertThat(RetryPolicy.mayPass(RegistryException.of(ErrorClass.NETWORK_ERROR, "x", null)))
        .isTrue();
    assertThat(RetryPolicy.mayPass(RegistryException.of(ErrorClass.TIMEOUT, "x", null))).isTrue();
    assertThat(
            RetryPolicy.mayPass(
                new RegistryException(ErrorClass.SERVER_ERROR, 503, List.of(), null, "x", null)))
        .isTrue();
    // Content that does not match its digest has no status: asking again gives the same bytes.
    assertThat(RetryPolicy.mayPass(RegistryException.of(ErrorClass.SERVER_ERROR, "x", null)))
        .isFalse();
    assertThat(
            RetryPolicy.mayPass(
                new RegistryException(ErrorClass.AUTHENTICATION, 401, List.of(), null, "x", null)))
        .isFalse();
  }
}
