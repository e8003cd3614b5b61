package dev.regscope.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = Backoff.DEFAULT;

  @Test
  void quickFailuresWaitTwiceAsLongEachTimeUpToTheCeiling() {
    Duration quick = Duration.ofSeconds(2);
    Duration wait = backoff.next(null, quick);
    assertThat(wait).isEqualTo(Duration.ofSeconds(1));
    for (long expected : new long[] {2, 4, 8, 16, 32, 60, 60}) {
      wait = backoff.next(wait, quick);
      assertThat(wait).isEqualTo(Duration.ofSeconds(expected));
    }
  }

  @Test
  void aRunThatLastedStartsTheCountOver() {
    assertThat(backoff.next(Duration.ofSeconds(60), Duration.ofMinutes(10)))
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.next(Duration.ofSeconds(60), Duration.ofMinutes(9)))
        .isEqualTo(Duration.ofSeconds(60));
  }
}
