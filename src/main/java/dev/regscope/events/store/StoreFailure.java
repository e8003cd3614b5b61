package dev.regscope.events.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.Optional;
import org.sqlite.SQLiteException;

/**
 * Tells a store failure that will pass (the database is down, busy, full: answer 503 and the
 * registry retries) from one that never will for this event (a constraint, a value the database
 * cannot hold: set the event aside), and says in one line what happened.
 */
final class StoreFailure {
  /** Below this, a failure on a SQLite store is a full disk whatever SQLite made of it. */
  static final long NEARLY_FULL_BYTES = 1 << 20;

  // SQLite primary result codes (sqlite3.h).
  private static final int SQLITE_FULL = 13;
  private static final int SQLITE_TOOBIG = 18;
  private static final int SQLITE_CONSTRAINT = 19;
  private static final int SQLITE_MISMATCH = 20;

  private StoreFailure() {}

  /**
   * Whether the database refused the data itself: PostgreSQL's data exceptions (class 22),
   * integrity violations (23) and program limits (54, e.g. an index row too large); SQLite's
   * constraint, too-big and type-mismatch errors. Anything else (a connection, a lock, a disk, a
   * timeout) may pass.
   */
  static boolean isPermanent(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLiteException sqlite) {
        int primary = sqlite.getResultCode().code & 0xff;
        return primary == SQLITE_CONSTRAINT
            || primary == SQLITE_TOOBIG
            || primary == SQLITE_MISMATCH;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        return state.startsWith("22") || state.startsWith("23") || state.startsWith("54");
      }
    }
    return false;
  }

  /**
   * The failure, said plainly: a full disk names the store's file and the space left (SQLite, whose
   * own message after a failed commit is "cannot commit - no transaction is active") or says that
   * PostgreSQL's disk is full; anything else keeps the driver's first line.
   */
  static SQLException explain(SQLException e, Optional<Path> file) {
    if (file.isPresent()) {
      long usable = usable(file.get());
      if (hasSqliteCode(e, SQLITE_FULL) || (usable >= 0 && usable < NEARLY_FULL_BYTES)) {
        return new SQLTransientException(
            "the disk of the event store "
                + file.get()
                + " is full ("
                + usable
                + " bytes free): free space or shorten --events-retention",
            "53100",
            e);
      }
    } else if ("53100".equals(e.getSQLState())) {
      return new SQLTransientException(
          "PostgreSQL's disk is full: " + firstLine(e), e.getSQLState(), e);
    }
    return e;
  }

  static String firstLine(Throwable e) {
    return String.valueOf(e.getMessage()).lines().findFirst().orElse("");
  }

  /** Whether this is a full disk as {@link #explain} says it. */
  static boolean isDiskFull(SQLException e) {
    return "53100".equals(e.getSQLState()) || hasSqliteCode(e, SQLITE_FULL);
  }

  private static boolean hasSqliteCode(Throwable e, int primary) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLiteException sqlite && (sqlite.getResultCode().code & 0xff) == primary) {
        return true;
      }
    }
    return false;
  }

  /** Bytes a new file can take on the volume holding {@code file}, or -1 when it cannot be told. */
  static long usable(Path file) {
    try {
      Path existing = Files.exists(file) ? file : file.toAbsolutePath().getParent();
      return existing == null ? -1 : Files.getFileStore(existing).getUsableSpace();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
