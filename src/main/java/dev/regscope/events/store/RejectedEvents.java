package dev.regscope.events.store;

import dev.regscope.events.RejectedEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The {@code rejected_events} table: events set aside, each kept once, counted by reason. */
final class RejectedEvents {
  private RejectedEvents() {}

  /** Keeps those not kept before; returns them (a redelivery of one kept before is not). */
  static List<RejectedEvent> keep(Connection c, List<RejectedEvent> events, long receivedAt)
      throws SQLException {
    List<RejectedEvent> kept = new ArrayList<>();
    for (RejectedEvent event : events) {
      int inserted =
          Sql.update(
              c,
              "INSERT INTO rejected_events (event_key, received_at, reason, error, body)"
                  + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_key) DO NOTHING",
              printable(event.key()),
              receivedAt,
              event.reason().label(),
              printable(event.detail()),
              printable(event.body()));
      if (inserted > 0) {
        Sql.update(
            c,
            "INSERT INTO rejected_counts (reason, events) VALUES (?, 1)"
                + " ON CONFLICT (reason) DO UPDATE SET events = rejected_counts.events + 1",
            event.reason().label());
        kept.add(event);
      }
    }
    return kept;
  }

  /**
   * Text any database holds: PostgreSQL refuses NUL in text, and what is kept here must never be
   * refused in turn.
   */
  static String printable(String text) {
    return text.indexOf('\0') < 0 ? text : text.replace("\0", "\\u0000");
  }
}
