package dev.regscope.events;

import java.util.Locale;
import java.util.Optional;

/** What a registry notification says happened. */
public enum Action {
  PUSH,
  PULL,
  MOUNT,
  DELETE;

  /** The action named in an event, or empty for one a later registry may add. */
  public static Optional<Action> of(String name) {
    for (Action action : values()) {
      if (action.label().equals(name)) {
        return Optional.of(action);
      }
    }
    return Optional.empty();
  }

  /** The name the registry uses, also the {@code action} label of the metrics. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
