package dev.regscope.events.store;

import dev.regscope.core.Digest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The few JDBC idioms the store repeats: bind values in order, update, read one row. The writes of
 * a delivery are a handful of statements run again for every event, so they are prepared once per
 * connection and kept (preparing one cost SQLite more than running it).
 */
final class Sql {
  /**
   * Per physical connection (the pool never hands one to two threads at once), by identity; a
   * connection the pool closed is dropped when a new one comes.
   */
  private static final Map<Connection, Map<String, PreparedStatement>> PREPARED = new HashMap<>();

  private Sql() {}

  static int update(Connection c, String sql, Object... values) throws SQLException {
    return bind(kept(c, sql), values).executeUpdate();
  }

  /** Runs {@code sql} once per row, in one round trip where the driver can (PostgreSQL). */
  static void batch(Connection c, String sql, List<Object[]> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    PreparedStatement statement = kept(c, sql);
    for (Object[] row : rows) {
      bind(statement, row).addBatch();
    }
    statement.executeBatch();
  }

  static boolean exists(Connection c, String sql, Object... values) throws SQLException {
    try (ResultSet row = bind(kept(c, sql), values).executeQuery()) {
      return row.next();
    }
  }

  /**
   * The first row's {@code columns} values (numbers as Long, text as String), all null when there
   * is none.
   */
  static Object[] firstRow(Connection c, int columns, String sql, Object... values)
      throws SQLException {
    Object[] row = new Object[columns];
    try (ResultSet result = bind(kept(c, sql), values).executeQuery()) {
      if (result.next()) {
        for (int i = 0; i < columns; i++) {
          Object value = result.getObject(i + 1);
          row[i] = value instanceof Number number ? (Object) number.longValue() : value;
        }
      }
    }
    return row;
  }

  /** The single number a query answers, or {@code otherwise} when it answers no row or null. */
  static long number(Connection c, long otherwise, String sql, Object... values)
      throws SQLException {
    try (PreparedStatement select = prepare(c, sql, values);
        ResultSet result = select.executeQuery()) {
      if (result.next()) {
        long value = result.getLong(1);
        return result.wasNull() ? otherwise : value;
      }
      return otherwise;
    }
  }

  /**
   * The statement kept for {@code sql} on the connection underneath the pool's proxy (the pool
   * closes what is prepared through the proxy when the connection goes back); never to be closed by
   * the caller. It goes with its connection.
   */
  private static PreparedStatement kept(Connection c, String sql) throws SQLException {
    Connection physical = c.unwrap(Connection.class);
    Map<String, PreparedStatement> statements;
    synchronized (PREPARED) {
      statements = PREPARED.get(physical);
      if (statements == null) {
        PREPARED.keySet().removeIf(Sql::isClosed); // retired by the pool: its statements went too
        statements = new HashMap<>();
        PREPARED.put(physical, statements);
      }
    }
    PreparedStatement statement = statements.get(sql);
    if (statement == null || statement.isClosed()) {
      statement = physical.prepareStatement(sql);
      statements.put(sql, statement);
    }
    return statement;
  }

  private static boolean isClosed(Connection connection) {
    try {
      return connection.isClosed();
    } catch (SQLException e) {
      return true;
    }
  }

  /** A statement of its own, for the caller to close. */
  static PreparedStatement prepare(Connection c, String sql, Object... values) throws SQLException {
    PreparedStatement statement = c.prepareStatement(sql);
    try {
      return bind(statement, values);
    } catch (SQLException e) {
      statement.close();
      throw e;
    }
  }

  private static PreparedStatement bind(PreparedStatement statement, Object... values)
      throws SQLException {
    for (int i = 0; i < values.length; i++) {
      Object value = values[i];
      if (value == null) {
        statement.setNull(i + 1, Types.OTHER); // untyped: PostgreSQL takes the column's type
      } else if (value instanceof Long l) {
        statement.setLong(i + 1, l);
      } else if (value instanceof Integer n) {
        statement.setLong(i + 1, n);
      } else {
        statement.setString(i + 1, value.toString());
      }
    }
    return statement;
  }

  static Long size(long size) {
    return size < 0 ? null : size;
  }

  static String text(Digest digest) {
    return digest == null ? null : digest.toString();
  }
}
