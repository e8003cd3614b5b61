package dev.regscope.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The payload of a signed schema1 manifest, as libtrust lays out its JWS. */
class SignedPayloadTest {
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  @Test
  void thePayloadIsTheBodyUpToFormatLengthFollowedByFormatTail() {
    String payload = "{\n   \"schemaVersion\": 1,\n   \"name\": \"old/app\"\n}";
    int cut = payload.lastIndexOf("\n}");
    String header =
        "{\"formatLength\":"
            + cut
            + ",\"formatTail\":\""
            + URL.encodeToString("\n}".getBytes(StandardCharsets.UTF_8))
            + "\",\"time\":\"2026-12-01T00:00:00Z\"}";
    String body =
        payload.substring(0, cut)
            + ",\n   \"signatures\": [{\"protected\": \""
            + URL.encodeToString(header.getBytes(StandardCharsets.UTF_8))
            + "\", \"signature\": \"x\"}]\n}";
    assertThat(SignedPayload.of(body.getBytes(StandardCharsets.UTF_8)))
        .hasValueSatisfying(
            bytes -> assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(payload));
  }

  @Test
  void withoutAReadableSignatureThereIsNone() {
    assertThat(SignedPayload.of("{\"schemaVersion\":1}".getBytes())).isEmpty();
    assertThat(SignedPayload.of("not json".getBytes())).isEmpty();
    assertThat(
            SignedPayload.of(
                "{\"signatures\":[{\"protected\":\"!!\"}]}".getBytes(StandardCharsets.UTF_8)))
        .isEmpty();
  }

  @Test
  void rateLimitRemainingIsTheCountBeforeTheWindow() {
    assertThat(RateLimitHeader.remaining("76;w=21600")).hasValue(76);
    assertThat(RateLimitHeader.remaining("0")).hasValue(0);
    assertThat(RateLimitHeader.remaining("many")).isEmpty();
    assertThat(RateLimitHeader.remaining(null)).isEmpty();
  }
}
