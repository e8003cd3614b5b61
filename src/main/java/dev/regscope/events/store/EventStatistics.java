package dev.regscope.events.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads what the event metrics export, summed over registries unless one is named. */
public final class EventStatistics {
  /** The numbers behind the event metrics. */
  public record Totals(
      Map<String, Long> eventsByAction,
      Map<String, Long> pullsByRepository,
      List<TagPull> tagPulls) {}

  /** When a tag was last pulled (or checked with a HEAD), in epoch milliseconds. */
  public record TagPull(String repository, String tag, long lastPulledMillis) {}

  private final EventDatabase database;
  private final String registry;

  /**
   * @param registry the canonical registry name whose numbers to read, or null for all
   */
  public EventStatistics(EventDatabase database, String registry) {
    this.database = database;
    this.registry = registry;
  }

  public Totals read() throws SQLException {
    String where = registry == null ? "" : " WHERE registry = ?";
    try (Connection c = database.connection()) {
      Map<String, Long> events =
          sums(c, "SELECT action, SUM(events) FROM event_counts" + where + " GROUP BY action");
      Map<String, Long> pulls =
          sums(
              c,
              "SELECT repository, SUM(pulls) FROM repositories" + where + " GROUP BY repository");
      List<TagPull> tags = new ArrayList<>();
      String sql =
          "SELECT repository, tag, MAX(last_pulled) FROM tags WHERE last_pulled IS NOT NULL"
              + (registry == null ? "" : " AND registry = ?")
              + " GROUP BY repository, tag ORDER BY repository, tag";
      try (PreparedStatement statement = EventWriter.prepare(c, sql, params());
          ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          tags.add(new TagPull(rows.getString(1), rows.getString(2), rows.getLong(3)));
        }
      }
      return new Totals(events, pulls, tags);
    }
  }

  private Map<String, Long> sums(Connection c, String sql) throws SQLException {
    Map<String, Long> sums = new TreeMap<>();
    try (PreparedStatement statement = EventWriter.prepare(c, sql, params());
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        sums.put(rows.getString(1), rows.getLong(2));
      }
    }
    return sums;
  }

  private Object[] params() {
    return registry == null ? new Object[0] : new Object[] {registry};
  }
}
