package dev.regscope.events.store;

import dev.regscope.core.Digest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/** The few JDBC idioms the store repeats: bind values in order, update, read one row. */
final class Sql {
  private Sql() {}

  static int update(Connection c, String sql, Object... values) throws SQLException {
    try (PreparedStatement statement = prepare(c, sql, values)) {
      return statement.executeUpdate();
    }
  }

  static boolean exists(Connection c, String sql, Object... values) throws SQLException {
    try (PreparedStatement statement = prepare(c, sql, values);
        ResultSet row = statement.executeQuery()) {
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
    try (PreparedStatement select = prepare(c, sql, values);
        ResultSet result = select.executeQuery()) {
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

  static PreparedStatement prepare(Connection c, String sql, Object... values) throws SQLException {
    PreparedStatement statement = c.prepareStatement(sql);
    try {
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
    } catch (SQLException e) {
      statement.close();
      throw e;
    }
  }

  static Long size(long size) {
    return size < 0 ? null : size;
  }

  static String text(Digest digest) {
    return digest == null ? null : digest.toString();
  }
}
