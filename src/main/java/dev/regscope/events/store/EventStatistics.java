package dev.regscope.events.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads what the event metrics export, summed over registries unless one is named; the store's
 * health is the whole store's.
 */
public final class EventStatistics {
  /**
   * The numbers behind the event metrics.
   *
   * @param traffic by repository: manifest GETs, bytes of blob GETs, bytes of blob pushes
   * @param rejectedByReason events set aside, by reason
   */
  public record Totals(
      Map<String, Long> eventsByAction,
      Map<String, RepositoryTraffic> traffic,
      List<TagPull> tagPulls,
      Map<String, Long> rejectedByReason,
      StoreHealth health) {}

  /** A repository's counters, since the store was created. */
  public record RepositoryTraffic(long pulls, long pullBytes, long pushBytes) {}

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
      Map<String, Long> events = new TreeMap<>();
      try (PreparedStatement statement =
              Sql.prepare(
                  c,
                  "SELECT action, SUM(events) FROM event_counts" + where + " GROUP BY action",
                  params());
          ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          events.put(rows.getString(1), rows.getLong(2));
        }
      }
      Map<String, RepositoryTraffic> traffic = new TreeMap<>();
      try (PreparedStatement statement =
              Sql.prepare(
                  c,
                  "SELECT repository, SUM(pulls), SUM(pull_bytes), SUM(push_bytes) FROM repositories"
                      + where
                      + " GROUP BY repository",
                  params());
          ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          traffic.put(
              rows.getString(1),
              new RepositoryTraffic(rows.getLong(2), rows.getLong(3), rows.getLong(4)));
        }
      }
      List<TagPull> tags = new ArrayList<>();
      String sql =
          "SELECT repository, tag, MAX(last_pulled) FROM tags WHERE last_pulled IS NOT NULL"
              + (registry == null ? "" : " AND registry = ?")
              + " GROUP BY repository, tag ORDER BY repository, tag";
      try (PreparedStatement statement = Sql.prepare(c, sql, params());
          ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          tags.add(new TagPull(rows.getString(1), rows.getString(2), rows.getLong(3)));
        }
      }
      Map<String, Long> rejected = new TreeMap<>();
      try (PreparedStatement statement =
              Sql.prepare(c, "SELECT reason, events FROM rejected_counts");
          ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          rejected.put(rows.getString(1), rows.getLong(2));
        }
      }
      return new Totals(events, traffic, tags, rejected, StoreHealth.read(c, database));
    }
  }

  private Object[] params() {
    return registry == null ? new Object[0] : new Object[] {registry};
  }
}
