package dev.regscope.probe;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code /status}, as Quay's registry-monitor serves it: fine when every target's last pull and
 * push succeeded within the last two intervals; else one line per failing target and test saying
 * why; pure.
 */
public final class ProbeStatus {
  /** The answer: healthy or not, and its text (one line if healthy). */
  public record Report(boolean healthy, String text) {}

  private static final List<ProbeType> WATCHED = List.of(ProbeType.PULL, ProbeType.PUSH);

  private ProbeStatus() {}

  static Report of(
      Map<ProbeTarget, Map<ProbeType, TestResult>> last, Duration interval, Instant now) {
    Duration window = interval.multipliedBy(2);
    List<String> failing = new ArrayList<>();
    last.forEach(
        (target, results) -> {
          for (ProbeType type : WATCHED) {
            TestResult result = results.get(type);
            if (result == null) {
              failing.add(target.label() + " " + type.label() + ": not run yet");
            } else if (!result.success()) {
              failing.add(
                  target.label()
                      + " "
                      + type.label()
                      + ": "
                      + result.error()
                      + " after "
                      + result.attempts()
                      + " attempts: "
                      + result.detail().replace('\n', ' '));
            } else if (result.finishedAt().isBefore(now.minus(window))) {
              failing.add(
                  target.label()
                      + " "
                      + type.label()
                      + ": last success at "
                      + result.finishedAt()
                      + ", more than two intervals ("
                      + window
                      + ") ago");
            }
          }
        });
    if (failing.isEmpty()) {
      return new Report(
          true,
          "ok: pull and push succeeded within "
              + window
              + " on "
              + last.size()
              + (last.size() == 1 ? " target" : " targets"));
    }
    return new Report(false, String.join("\n", failing));
  }
}
