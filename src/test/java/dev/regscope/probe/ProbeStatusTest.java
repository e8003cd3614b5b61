package dev.regscope.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.registry.ErrorClass;
import dev.regscope.registry.RepositoryUrl;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProbeStatusTest {
  private final ProbeTarget a = new ProbeTarget(RepositoryUrl.parse("https://a.example/p"));
  private final ProbeTarget b = new ProbeTarget(RepositoryUrl.parse("https://b.example/p"));
  private final Instant now = Instant.parse("2026-05-01T12:00:00Z");
  private final Duration interval = Duration.ofMinutes(1);

  private TestResult ok(ProbeType type, Instant at) {
    return new TestResult(type, true, null, "", Duration.ofSeconds(1), 1, 0, 0, at);
  }

  private TestResult failed(ProbeType type, ErrorClass error, String detail) {
    return new TestResult(type, false, error, detail, Duration.ofSeconds(1), 5, 0, -1, now);
  }

  @Test
  void healthyWhenEveryTargetsPullAndPushSucceededWithinTwoIntervals() {
    Map<ProbeTarget, Map<ProbeType, TestResult>> last = new LinkedHashMap<>();
    last.put(
        a,
        Map.of(
            ProbeType.PULL,
            ok(ProbeType.PULL, now.minusSeconds(119)),
            ProbeType.PUSH,
            ok(ProbeType.PUSH, now),
            // metadata and authentication do not decide the status, as in Quay's monitor
            ProbeType.METADATA,
            failed(ProbeType.METADATA, ErrorClass.UNKNOWN, "x")));
    last.put(
        b,
        Map.of(ProbeType.PULL, ok(ProbeType.PULL, now), ProbeType.PUSH, ok(ProbeType.PUSH, now)));

    ProbeStatus.Report report = ProbeStatus.of(last, interval, now);
    assertThat(report.healthy()).isTrue();
    assertThat(report.text()).isEqualTo("ok: pull and push succeeded within PT2M on 2 targets");
  }

  @Test
  void oneLinePerFailingTargetAndTestSayingWhy() {
    Map<ProbeTarget, Map<ProbeType, TestResult>> last = new LinkedHashMap<>();
    last.put(
        a,
        Map.of(
            ProbeType.PULL,
            ok(ProbeType.PULL, now.minusSeconds(121)),
            ProbeType.PUSH,
            failed(
                ProbeType.PUSH,
                ErrorClass.NETWORK_ERROR,
                "POST /v2/p/blobs/uploads/: ConnectException")));
    last.put(b, Map.of());

    ProbeStatus.Report report = ProbeStatus.of(last, interval, now);
    assertThat(report.healthy()).isFalse();
    assertThat(report.text().lines())
        .containsExactly(
            "a.example/p pull: last success at 2026-05-01T11:57:59Z, more than two intervals (PT2M) ago",
            "a.example/p push: NETWORK_ERROR after 5 attempts: POST /v2/p/blobs/uploads/: ConnectException",
            "b.example/p pull: not run yet",
            "b.example/p push: not run yet");
  }
}
