package dev.regscope.events.store;

import dev.regscope.events.RegistryEvent;
import java.sql.SQLException;

/**
 * Traffic per repository as events arrive: running totals in {@code repositories} (the counters
 * {@code repository_pull_bytes_total} and {@code repository_push_bytes_total}) and a row per UTC
 * day in {@code daily_traffic}. Never pruned: history outlives the raw events.
 */
final class Traffic {
  static final long DAY_MILLIS = 86_400_000L;

  private Traffic() {}

  /**
   * A manifest GET: an image pulled (its pull counter lives with last_pulled in the pull upsert).
   */
  static void imagePulled(Writes w, RegistryEvent e) throws SQLException {
    day(w, e, 1, 0, 0, 0);
  }

  /** A manifest PUT: an image pushed. */
  static void imagePushed(Writes w, RegistryEvent e) throws SQLException {
    totals(w, e, 1, 0, 0);
    day(w, e, 0, 1, 0, 0);
  }

  /**
   * A blob GET: its whole size, as the event gives it (an event does not say whether a range was
   * asked).
   */
  static void blobPulled(Writes w, RegistryEvent e) throws SQLException {
    if (e.size() > 0) {
      totals(w, e, 0, e.size(), 0);
      day(w, e, 0, 0, e.size(), 0);
    }
  }

  /** A blob PUT; a cross-repository mount moves no bytes and never comes here. */
  static void blobPushed(Writes w, RegistryEvent e) throws SQLException {
    if (e.size() > 0) {
      totals(w, e, 0, 0, e.size());
      day(w, e, 0, 0, 0, e.size());
    }
  }

  private static void totals(Writes w, RegistryEvent e, long pushes, long pullBytes, long pushBytes)
      throws SQLException {
    w.update(
        "INSERT INTO repositories (registry, repository, pulls, last_pulled, pushes, pull_bytes,"
            + " push_bytes) VALUES (?, ?, 0, NULL, ?, ?, ?) ON CONFLICT (registry, repository) DO UPDATE SET"
            + " pushes = repositories.pushes + excluded.pushes,"
            + " pull_bytes = repositories.pull_bytes + excluded.pull_bytes,"
            + " push_bytes = repositories.push_bytes + excluded.push_bytes",
        e.registry(),
        e.repository(),
        pushes,
        pullBytes,
        pushBytes);
  }

  private static void day(
      Writes w, RegistryEvent e, long pulls, long pushes, long pullBytes, long pushBytes)
      throws SQLException {
    w.update(
        "INSERT INTO daily_traffic (registry, repository, day, pulls, pushes, pull_bytes, push_bytes)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (registry, repository, day) DO UPDATE SET"
            + " pulls = daily_traffic.pulls + excluded.pulls,"
            + " pushes = daily_traffic.pushes + excluded.pushes,"
            + " pull_bytes = daily_traffic.pull_bytes + excluded.pull_bytes,"
            + " push_bytes = daily_traffic.push_bytes + excluded.push_bytes",
        e.registry(),
        e.repository(),
        Math.floorDiv(EventEffects.millis(e), DAY_MILLIS),
        pulls,
        pushes,
        pullBytes,
        pushBytes);
  }
}
