package dev.regscope.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.supervise.Restarts.Reason;
import org.junit.jupiter.api.Test;

class RestartsTest {
  @Test
  void whatTheSupervisorPassesOnIsReadBackWithEveryReason() {
    Restarts restarts =
        Restarts.NONE.plus(Reason.KILLED).plus(Reason.KILLED).plus(Reason.UNHEALTHY);
    assertThat(restarts.encode()).isEqualTo("out_of_memory=0,killed=2,exited=0,unhealthy=1");
    assertThat(Restarts.decode(restarts.encode())).contains(restarts);
    assertThat(restarts.total()).isEqualTo(3);
  }

  @Test
  void notSupervisedIsNothingAndAValueOfAnotherVersionKeepsWhatReads() {
    assertThat(Restarts.decode(null)).isEmpty();
    Restarts read = Restarts.decode("killed=4,exited=x,rebooted=9,unhealthy").orElseThrow();
    assertThat(read.byReason().get(Reason.KILLED)).isEqualTo(4);
    assertThat(read.byReason().get(Reason.EXITED)).isZero();
    assertThat(read.total()).isEqualTo(4);
  }

  @Test
  void exitCodesSayWhy() {
    // -XX:+ExitOnOutOfMemoryError exits with 3; SIGKILL is 128 + 9.
    assertThat(Reason.ofExitCode(3)).isEqualTo(Reason.OUT_OF_MEMORY);
    assertThat(Reason.ofExitCode(137)).isEqualTo(Reason.KILLED);
    assertThat(Reason.ofExitCode(1)).isEqualTo(Reason.EXITED);
    assertThat(Reason.ofExitCode(2)).isEqualTo(Reason.EXITED);
  }
}
