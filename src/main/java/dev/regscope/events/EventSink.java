package dev.regscope.events;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Where parsed deliveries go: the event store, behind an interface so parsing never depends on
 * storing.
 */
public interface EventSink {
  /**
   * What one delivery changed.
   *
   * @param byAction events newly stored, by action (replayed ones are not counted)
   * @param replayed events stored before (the registry's redeliveries)
   * @param rejected events newly set aside; one set aside before is neither here nor counted again
   */
  record Stored(Map<Action, Integer> byAction, int replayed, List<RejectedEvent> rejected) {
    public Stored {
      byAction = Map.copyOf(byAction);
      rejected = List.copyOf(rejected);
    }

    public int total() {
      return byAction.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  /**
   * Stores a delivery, and sets aside what can never be stored; returns only once it is committed.
   *
   * @throws SQLException when the store cannot commit now (down, busy, full): the delivery is to be
   *     refused so the registry retries it; the message says what happened in one line
   */
  Stored store(Delivery delivery) throws SQLException;
}
