package dev.regscope.events.store;

import java.util.List;

/**
 * The answer to a query: named columns and rows of values (String, Long, java.time.Instant, or null
 * for unknown), in order.
 */
public record QueryResult(String name, List<String> columns, List<List<Object>> rows) {
  public QueryResult {
    columns = List.copyOf(columns);
    rows =
        rows.stream()
            .map(row -> java.util.Collections.unmodifiableList(new java.util.ArrayList<>(row)))
            .toList();
  }
}
