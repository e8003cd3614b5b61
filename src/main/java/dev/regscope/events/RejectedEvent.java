package dev.regscope.events;

import java.util.Locale;

/**
 * An event the store can never accept, kept raw beside the store instead of being refused: a
 * refused delivery is retried by the registry forever and holds back every event queued after it.
 *
 * @param key the event's id, or {@code sha256:} and the digest of its JSON when it has no usable id
 * @param reason why, one of a few stable words (the {@code reason} label of the metric)
 * @param detail one line naming the value at fault
 * @param body the event's own JSON
 */
public record RejectedEvent(String key, Reason reason, String detail, String body) {
  /** Why an event was set aside. */
  public enum Reason {
    /** A value regscope cannot read (a digest that is not one, a time that is not RFC 3339). */
    MALFORMED,
    /** A push, pull or mount that names no digest: nothing to record it against. */
    MISSING_DIGEST,
    /** The database refused it for good (a constraint, a value it cannot hold). */
    DATABASE;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
