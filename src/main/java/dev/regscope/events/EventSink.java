package dev.regscope.events;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Where parsed deliveries go: the event store, behind an interface so parsing never depends on
 * storing.
 */
public interface EventSink {
  /** Events newly stored by one delivery, by action (replayed ones are not counted). */
  record Stored(Map<Action, Integer> byAction, int replayed) {
    public int total() {
      return byAction.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  /** Stores a delivery; returns only once it is committed. */
  Stored store(List<RegistryEvent> events) throws SQLException;
}
