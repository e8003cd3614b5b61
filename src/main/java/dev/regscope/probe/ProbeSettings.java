package dev.regscope.probe;

import java.time.Duration;
import java.util.Locale;

/**
 * How the probes run: a cycle every {@code interval}; each test tried up to {@code attempts} times,
 * each attempt within {@code timeout}, with back-off doubling from {@code firstBackoff}; {@code
 * pushSize} bytes pushed per push test, in two layers; {@code node} names this probe in labels and
 * tags.
 */
public record ProbeSettings(
    Duration interval,
    Duration timeout,
    int attempts,
    Duration firstBackoff,
    long pushSize,
    String node) {
  public static final String PULL_TAG = "pull";

  /** Registry tags are at most 128 characters: {@code metadata-} leaves 119 for the node. */
  private static final int MAX_NODE = 119;

  public ProbeSettings {
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("interval must be positive, not " + interval);
    }
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be positive, not " + timeout);
    }
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, not " + attempts);
    }
    if (pushSize < 2) {
      throw new IllegalArgumentException("push size must be at least 2 bytes, not " + pushSize);
    }
    if (node.isBlank()) {
      throw new IllegalArgumentException("node name is empty");
    }
  }

  /** {@code push-<node>}: this node's push tag. */
  public String pushTag() {
    return "push-" + tagSafe(node);
  }

  /** {@code metadata-<node>}: this node's re-tag of {@code :pull}. */
  public String metadataTag() {
    return "metadata-" + tagSafe(node);
  }

  /** The node name in tag characters ({@code [A-Za-z0-9_.-]}), shortened to fit. */
  static String tagSafe(String node) {
    String safe = node.replaceAll("[^A-Za-z0-9_.-]", "-");
    return safe.length() > MAX_NODE ? safe.substring(0, MAX_NODE) : safe;
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "interval %s, timeout %s, %d attempts, push %d bytes, node %s",
        interval,
        timeout,
        attempts,
        pushSize,
        node);
  }
}
