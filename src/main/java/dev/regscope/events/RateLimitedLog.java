package dev.regscope.events;

import java.time.Duration;
import org.slf4j.Logger;

/**
 * Warnings that can come in floods (a sender with a wrong token retries forever): the first is
 * logged at once, later ones at most once per interval, saying how many were held back.
 */
final class RateLimitedLog {
  private final Logger log;
  private final long intervalNanos;
  private long lastLogged;
  private boolean loggedOnce;
  private long held;

  RateLimitedLog(Logger log, Duration interval) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
  }

  synchronized void log(String message) {
    long now = System.nanoTime();
    if (loggedOnce && now - lastLogged < intervalNanos) {
      held++;
      return;
    }
    if (held > 0) {
      log.warn("{} (and {} more like it since the last such line)", message, held);
    } else {
      log.warn(message);
    }
    held = 0;
    loggedOnce = true;
    lastLogged = now;
  }
}
