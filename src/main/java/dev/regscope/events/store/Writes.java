package dev.regscope.events.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The statements of one delivery's transaction. On SQLite each runs at once: there is no round trip
 * to save. On PostgreSQL a delivery's writes wait and go to the server together, ending with the
 * {@code COMMIT}, as one multi-statement round trip (the driver sends them all before one Sync): a
 * blob pull, five statements and a commit, cost six round trips before and costs one now. A read
 * sends what waits first, so it sees those writes.
 */
final class Writes {
  private final Connection connection;
  private final boolean waiting;
  private final StringBuilder sql = new StringBuilder();
  private final List<Object> values = new ArrayList<>();

  private Writes(Connection connection, boolean waiting) {
    this.connection = connection;
    this.waiting = waiting;
  }

  /** Each statement runs when it is given. */
  static Writes immediate(Connection connection) {
    return new Writes(connection, false);
  }

  /** Writes wait for a read or the commit, and then go in one round trip. */
  static Writes together(Connection connection) {
    return new Writes(connection, true);
  }

  /** Whether writes wait: their update counts are not known until the commit. */
  boolean waits() {
    return waiting;
  }

  /** A write whose update count nobody needs. */
  void update(String statement, Object... arguments) throws SQLException {
    if (!waiting) {
      Sql.update(connection, statement, arguments);
      return;
    }
    sql.append(statement).append(";\n");
    Collections.addAll(values, arguments);
  }

  /** A write whose update count is needed now (only where writes do not wait). */
  int updateNow(String statement, Object... arguments) throws SQLException {
    return Sql.update(flushed(), statement, arguments);
  }

  void batch(String statement, List<Object[]> rows) throws SQLException {
    Sql.batch(flushed(), statement, rows);
  }

  boolean exists(String statement, Object... arguments) throws SQLException {
    return Sql.exists(flushed(), statement, arguments);
  }

  Object[] firstRow(int columns, String statement, Object... arguments) throws SQLException {
    return Sql.firstRow(flushed(), columns, statement, arguments);
  }

  /** The connection, with every waiting write sent: for a read or a write of the caller's own. */
  Connection flushed() throws SQLException {
    if (sql.length() > 0) {
      send(sql.toString());
    }
    return connection;
  }

  /** Sends what waits together with the {@code COMMIT}; a failure anywhere rolls it all back. */
  void commit() throws SQLException {
    if (sql.length() > 0) {
      send(sql.append("COMMIT").toString());
    }
    connection.commit(); // after the COMMIT above, the driver knows no transaction is open
  }

  private void send(String statements) throws SQLException {
    Object[] arguments = values.toArray();
    sql.setLength(0);
    values.clear();
    // Not kept like Sql's single statements: a delivery of several events joins their writes into
    // texts without bound. The driver's own statement cache (bounded, least recently used) keeps
    // the common ones prepared.
    try (PreparedStatement statement = Sql.prepare(connection, statements, arguments)) {
      statement.execute();
    }
  }
}
