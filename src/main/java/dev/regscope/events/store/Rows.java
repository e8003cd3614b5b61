package dev.regscope.events.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A query's rows as values: counts, sizes and bytes as Long, times (columns ending in {@code _at},
 * {@code pushed} or {@code pulled}, epoch milliseconds in the store) as {@link Instant}, the rest
 * as text.
 */
final class Rows {
  private Rows() {}

  static QueryResult read(Connection connection, String sql, Object... values) throws SQLException {
    try (PreparedStatement statement = Sql.prepare(connection, sql, values);
        ResultSet results = statement.executeQuery()) {
      ResultSetMetaData meta = results.getMetaData();
      List<String> columns = new ArrayList<>();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        columns.add(meta.getColumnLabel(i).toLowerCase(Locale.ROOT));
      }
      List<List<Object>> rows = new ArrayList<>();
      while (results.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= columns.size(); i++) {
          row.add(value(results, i, columns.get(i - 1)));
        }
        rows.add(row);
      }
      return new QueryResult("", columns, rows);
    }
  }

  private static Object value(ResultSet results, int column, String name) throws SQLException {
    if (name.equals("size")
        || name.equals("pulls")
        || name.equals("pushes")
        || name.endsWith("_bytes")
        || isTime(name)) {
      long value = results.getLong(column);
      if (results.wasNull()) {
        return null;
      }
      return isTime(name) ? Instant.ofEpochMilli(value) : (Object) value;
    }
    return results.getString(column);
  }

  private static boolean isTime(String column) {
    return column.endsWith("_at") || column.equals("pushed") || column.equals("pulled");
  }
}
