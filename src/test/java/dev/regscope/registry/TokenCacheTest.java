package dev.regscope.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TokenCacheTest {
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now;
        }
      };
  private final TokenCache cache = new TokenCache(clock);
  private final Scope pull = new Scope("repository:a:pull");
  private final Scope push = new Scope("repository:a:pull,push");

  @Test
  void aTokenIsReusedForItsScopeUntilATenthOfItsLifeIsLeft() {
    cache.put(pull, "t1", now, Duration.ofSeconds(60));

    assertThat(cache.get(pull)).contains("t1");
    assertThat(cache.get(push)).isEmpty();
    now = now.plusSeconds(53);
    assertThat(cache.get(pull)).contains("t1");
    now = now.plusSeconds(1); // 54 s: 6 s (a tenth) before it expires
    assertThat(cache.get(pull)).isEmpty();
  }

  @Test
  void longTokensAreRefreshedThirtySecondsEarly() {
    cache.put(pull, "t1", now, Duration.ofHours(1));

    now = now.plusSeconds(3600 - 31);
    assertThat(cache.get(pull)).contains("t1");
    now = now.plusSeconds(1);
    assertThat(cache.get(pull)).isEmpty();
  }

  @Test
  void aRefusedTokenIsForgottenButNotItsReplacement() {
    cache.put(pull, "old", now, Duration.ofMinutes(5));
    cache.invalidate(pull, "other");
    assertThat(cache.get(pull)).contains("old");
    cache.invalidate(pull, "old");
    assertThat(cache.get(pull)).isEmpty();
  }

  @Test
  void tokenAnswersGiveTokenOrAccessTokenAndDefaultToSixtySeconds() throws Exception {
    assertThat(TokenResponse.parse("{\"token\":\"a\",\"expires_in\":300}".getBytes()))
        .isEqualTo(new TokenResponse("a", Duration.ofSeconds(300)));
    assertThat(TokenResponse.parse("{\"access_token\":\"b\"}".getBytes()))
        .isEqualTo(new TokenResponse("b", Duration.ofSeconds(60)));
    assertThat(TokenResponse.parse("{\"token\":\"a\",\"access_token\":\"b\"}".getBytes()).token())
        .isEqualTo("a");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> TokenResponse.parse("{\"details\":\"no\"}".getBytes()))
        .hasMessageContaining("neither token nor access_token");
  }
}
