package dev.regscope.probe;

import dev.regscope.registry.Deadline;
import dev.regscope.registry.DistributionClient;
import dev.regscope.registry.RegistryException;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a test up to {@code attempts} times, each attempt within the timeout (every request of it
 * shares one deadline, so a slow body counts too), with back-off doubling between attempts and
 * never shorter than the registry's {@code Retry-After}. Every attempt is reported, failed or not.
 */
final class Attempts {
  private static final Logger LOG = LoggerFactory.getLogger(Attempts.class);

  /** Told of every attempt as it ends. */
  interface Listener {
    void attempted(ProbeType type, boolean success, Duration elapsed);
  }

  /** The cycle was stopped (shutdown) while the test ran: nothing is recorded. */
  static final class Cancelled extends Exception {
    Cancelled() {
      super("cancelled", null, false, false);
    }
  }

  private final ProbeTarget target;
  private final ProbeSettings settings;
  private final Clock clock;

  Attempts(ProbeTarget target, ProbeSettings settings, Clock clock) {
    this.target = target;
    this.settings = settings;
    this.clock = clock;
  }

  TestResult run(ProbeTest test, DistributionClient client, Listener listener) throws Cancelled {
    long start = System.nanoTime();
    long bytes = 0;
    RegistryException last = null;
    int attempt = 1;
    for (; attempt <= settings.attempts(); attempt++) {
      Transfer transfer = new Transfer();
      long attemptStart = System.nanoTime();
      try {
        test.run(client.until(Deadline.after(settings.timeout())), transfer, attempt);
        listener.attempted(test.type(), true, since(attemptStart));
        bytes += transfer.bytes();
        return new TestResult(
            test.type(),
            true,
            null,
            "",
            since(start),
            attempt,
            bytes,
            transfer.imageSize(),
            clock.instant());
      } catch (RegistryException e) {
        if (Thread.currentThread().isInterrupted()) {
          throw new Cancelled();
        }
        listener.attempted(test.type(), false, since(attemptStart));
        bytes += transfer.bytes();
        last = e;
        LOG.info(
            "{} {} attempt {}/{} failed: {} {}",
            target,
            test.type().label(),
            attempt,
            settings.attempts(),
            e.errorClass(),
            e.getMessage());
      }
      if (attempt < settings.attempts()) {
        sleep(backoff(attempt, last));
      }
    }
    LOG.warn(
        "{} {} failed: {} {}", target, test.type().label(), last.errorClass(), last.getMessage());
    return new TestResult(
        test.type(),
        false,
        last.errorClass(),
        last.getMessage(),
        since(start),
        attempt - 1,
        bytes,
        -1,
        clock.instant());
  }

  /** Back-off doubling from the first (1, 2, 4, 8 s by default), or longer if the registry asks. */
  Duration backoff(int attempt, RegistryException failure) {
    Duration wait = settings.firstBackoff().multipliedBy(1L << Math.min(attempt - 1, 20));
    Duration asked = failure.retryAfter().orElse(Duration.ZERO);
    // A Retry-After past the next cycle is not waited out: the next cycle tries again.
    if (asked.compareTo(wait) > 0 && asked.compareTo(settings.interval()) < 0) {
      return asked;
    }
    return wait;
  }

  private static void sleep(Duration wait) throws Cancelled {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Cancelled();
    }
  }

  private static Duration since(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
