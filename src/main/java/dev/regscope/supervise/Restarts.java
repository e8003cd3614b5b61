package dev.regscope.supervise;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Restarts of {@code serve} by its supervisor, by why the last run ended. The supervisor hands them
 * to each new run in {@link #ENV}, so that run can export them as a counter that survives the
 * restarts it counts (the kubelet's own restart counter never sees them).
 */
public record Restarts(Map<Reason, Long> byReason) {
  /** The environment variable that carries them, as {@code exited=1,killed=0,...}. */
  public static final String ENV = "REGSCOPE_RESTARTS";

  public static final Restarts NONE = new Restarts(Map.of());

  /** Why a run of {@code serve} ended. */
  public enum Reason {
    /** Out of heap: {@code -XX:+ExitOnOutOfMemoryError} exits with code 3. */
    OUT_OF_MEMORY,
    /** SIGKILL: the kernel's OOM killer, or someone's {@code kill -9}. */
    KILLED,
    /** Any other exit, a fatal error's code 1 or a usage error's 2 among them. */
    EXITED,
    /** It stopped answering its health check and was stopped. */
    UNHEALTHY;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The reason for an exit with this code (a signal's is 128 plus its number). */
    public static Reason ofExitCode(int code) {
      return switch (code) {
        case 3 -> OUT_OF_MEMORY;
        case 137 -> KILLED;
        default -> EXITED;
      };
    }
  }

  /** Every reason is there, zeros too. */
  public Restarts {
    EnumMap<Reason, Long> copy = new EnumMap<>(Reason.class);
    for (Reason reason : Reason.values()) {
      copy.put(reason, 0L);
    }
    copy.putAll(byReason);
    byReason = Collections.unmodifiableMap(copy);
  }

  public Restarts plus(Reason reason) {
    EnumMap<Reason, Long> more = new EnumMap<>(Reason.class);
    more.putAll(byReason);
    more.merge(reason, 1L, Long::sum);
    return new Restarts(more);
  }

  public long total() {
    return byReason.values().stream().mapToLong(Long::longValue).sum();
  }

  /** As {@link #ENV} carries them; every reason is written, zeros too. */
  public String encode() {
    StringBuilder text = new StringBuilder();
    for (Reason reason : Reason.values()) {
      if (text.length() > 0) {
        text.append(',');
      }
      text.append(reason.label()).append('=').append(byReason.getOrDefault(reason, 0L));
    }
    return text.toString();
  }

  /**
   * What {@link #ENV} says; empty when it is not set (not supervised). A value it cannot read is a
   * supervisor of another version: its parts that read are kept.
   */
  public static Optional<Restarts> decode(String text) {
    if (text == null) {
      return Optional.empty();
    }
    EnumMap<Reason, Long> counts = new EnumMap<>(Reason.class);
    for (Reason reason : Reason.values()) {
      counts.put(reason, 0L);
    }
    for (String part : text.split(",")) {
      String[] kv = part.split("=", 2);
      if (kv.length != 2) {
        continue;
      }
      for (Reason reason : Reason.values()) {
        if (reason.label().equals(kv[0].trim())) {
          try {
            counts.put(reason, Math.max(0, Long.parseLong(kv[1].trim())));
          } catch (NumberFormatException ignored) {
            // left at zero
          }
        }
      }
    }
    return Optional.of(new Restarts(counts));
  }
}
