package dev.regscope.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A digest's hex becomes a path below blobs/, so parsing accepts only what the registry writes. */
class DigestTest {
  private static final String HEX64 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @Test
  void parsesSha256AsTheRegistryWritesIt() throws InvalidDigestException {
    Digest digest = Digest.parse("sha256:" + HEX64);

    assertThat(digest.algorithm()).isEqualTo("sha256");
    assertThat(digest.hex()).isEqualTo(HEX64);
    assertThat(digest).hasToString("sha256:" + HEX64);
  }

  @Test
  void parsesSha384AndSha512() throws InvalidDigestException {
    assertThat(Digest.parse("sha384:" + "a".repeat(96)).algorithm()).isEqualTo("sha384");
    assertThat(Digest.parse("sha512:" + "b".repeat(128)).hex()).hasSize(128);
  }

  @Test
  void acceptsShortHexAsOldFixturesUse() throws InvalidDigestException {
    assertThat(Digest.parse("sha256:abc")).isEqualTo(new Digest("sha256", "abc"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "sha256",
        ":" + HEX64,
        "sha256:",
        "md5:abc",
        "SHA256:abc",
        "sha256:ABC",
        "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
        "sha256:abcg",
        "sha256:../../..",
        "sha256:..",
        "sha256:ab/cd",
        "sha256:ab\\cd",
        "sha256: abc",
        " sha256:abc",
        "sha256:abc\n",
        "sha256:abc:def",
        "sha256:\u0661\u0662\u0663",
      })
  void refusesAnythingElse(String text) {
    assertThatThrownBy(() -> Digest.parse(text)).isInstanceOf(InvalidDigestException.class);
  }

  @Test
  void refusesHexLongerThanAnyAlgorithmWrites() {
    assertThatThrownBy(() -> Digest.parse("sha512:" + "a".repeat(129)))
        .isInstanceOf(InvalidDigestException.class);
  }

  @Test
  void theConstructorRefusesWhatParseRefuses() {
    assertThatThrownBy(() -> new Digest("sha256", "../../.."))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Digest("md5", "abc")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theMessageQuotesTheTextOnOneLine() {
    assertThatThrownBy(() -> Digest.parse("sha256:\u001b[2J\r\nforged log line"))
        .hasMessageContaining("\"sha256:\\x1b[2J\\x0d\\x0aforged log line\"")
        .hasMessageNotContainingAny("\n", "\r", "\u001b");
  }

  @Test
  void theMessageCutsLongText() {
    assertThatThrownBy(() -> Digest.parse("garbage".repeat(1000)))
        .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(150));
  }

  @Test
  void sortsByAlgorithmThenHex() throws InvalidDigestException {
    List<Digest> digests =
        new ArrayList<>(
            List.of(
                Digest.parse("sha512:01"),
                Digest.parse("sha256:ff"),
                Digest.parse("sha256:0a"),
                Digest.parse("sha384:00")));

    digests.sort(null);

    assertThat(digests)
        .extracting(Digest::toString)
        .containsExactly("sha256:0a", "sha256:ff", "sha384:00", "sha512:01");
  }
}
