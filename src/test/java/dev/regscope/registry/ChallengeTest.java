package dev.regscope.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChallengeTest {
  @Test
  void readsABearerChallengeAsDockerHubAndRegistry28WriteIt() {
    Challenge c =
        Challenge.parse(
                "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                    + "scope=\"repository:library/alpine:pull,push\",error=\"insufficient_scope\"")
            .orElseThrow();

    assertThat(c.isBearer()).isTrue();
    assertThat(c.parameters())
        .isEqualTo(
            Map.of(
                "realm", "https://auth.docker.io/token",
                "service", "registry.docker.io",
                "scope", "repository:library/alpine:pull,push",
                "error", "insufficient_scope"));
  }

  @Test
  void schemeAndKeysAreCaseInsensitiveAndTokensNeedNoQuotes() {
    Challenge c = Challenge.parse("bEaReR Realm=https://a/token, Service=x").orElseThrow();

    assertThat(c.isBearer()).isTrue();
    assertThat(c.parameter("realm")).contains("https://a/token");
    assertThat(c.parameter("service")).contains("x");
  }

  @Test
  void quotedValuesKeepEscapedQuotes() {
    assertThat(Challenge.parse("Basic realm=\"a \\\"b\\\", c\"").orElseThrow().parameter("realm"))
        .contains("a \"b\", c");
  }

  @Test
  void prefersBearerWithARealmOverBasic() {
    assertThat(
            Challenge.choose(List.of("Basic realm=\"r\"", "Bearer realm=\"https://t\""))
                .orElseThrow())
        .extracting(Challenge::scheme)
        .isEqualTo("bearer");
    assertThat(Challenge.choose(List.of("Basic realm=\"r\"")).orElseThrow().isBasic()).isTrue();
    assertThat(Challenge.choose(List.of("Negotiate abc=="))).isEmpty();
    assertThat(Challenge.parse("")).isEmpty();
  }

  @Test
  void scopesAreWhatRegistry28AsksForEachMethod() {
    assertThat(Scope.forRequest("a/b", "GET").value()).isEqualTo("repository:a/b:pull");
    assertThat(Scope.forRequest("a/b", "HEAD").value()).isEqualTo("repository:a/b:pull");
    assertThat(Scope.forRequest("a/b", "PUT").value()).isEqualTo("repository:a/b:pull,push");
    assertThat(Scope.forRequest("a/b", "PATCH").value()).isEqualTo("repository:a/b:pull,push");
    assertThat(Scope.forRequest("a/b", "DELETE").value()).isEqualTo("repository:a/b:delete");
  }
}
