package dev.regscope.probe;

import static dev.regscope.testing.PromText.series;
import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.registry.ClientSettings;
import dev.regscope.registry.RepositoryUrl;
import dev.regscope.testing.FaultProxy;
import dev.regscope.testing.PromText;
import dev.regscope.testing.RegistryProcess;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Cycles never overlap: a tick that finds the last cycle running is skipped and counted. */
@Timeout(120)
class ProbeScheduleTest {
  @TempDir Path dir;

  @Test
  void aCycleSlowerThanTheIntervalSkipsTicksAndNeverRunsTwice() throws Exception {
    try (RegistryProcess registry = RegistryProcess.start(dir);
        FaultProxy proxy = FaultProxy.start(registry.baseUri())) {
      proxy.delay(Duration.ofMillis(150)); // every request; a cycle makes about twenty
      ProbeTarget target =
          new ProbeTarget(RepositoryUrl.parse(proxy.baseUri() + "/regscope/probe"));
      ProbeSettings settings =
          new ProbeSettings(
              Duration.ofMillis(100),
              Duration.ofSeconds(10),
              1,
              Duration.ofMillis(10),
              4096,
              "slow");
      try (Probes probes =
          Probes.create(List.of(target), settings, ClientSettings.defaults(), Clock.systemUTC())) {
        probes.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (probes.cycles() < 2 && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        probes.stop();
        assertThat(probes.cycles()).isGreaterThanOrEqualTo(2);
        Map<String, Double> metrics = PromText.parse(RealRegistryProbeContract.text(probes));
        assertThat(metrics.get(series("regscope_probe_skipped_total", "target", target.label())))
            .isGreaterThanOrEqualTo(1.0);
        // One target, one cycle at a time, one request at a time.
        assertThat(proxy.maxInFlight()).isEqualTo(1);
      }
    }
  }
}
