package dev.regscope.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regscope.events.store.QueryResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Prints a query's answer: aligned columns for people, a JSON array of objects for programs. */
public final class QueryTable {
  private QueryTable() {}

  public static void writeTable(QueryResult result, PrintWriter out) {
    List<String[]> cells = new ArrayList<>();
    cells.add(
        result.columns().stream()
            .map(c -> c.toUpperCase(java.util.Locale.ROOT))
            .toArray(String[]::new));
    for (List<Object> row : result.rows()) {
      cells.add(row.stream().map(QueryTable::text).toArray(String[]::new));
    }
    int[] widths = new int[result.columns().size()];
    for (String[] line : cells) {
      for (int i = 0; i < line.length; i++) {
        widths[i] = Math.max(widths[i], line[i].length());
      }
    }
    for (String[] line : cells) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < line.length; i++) {
        text.append(
            i == line.length - 1 ? line[i] : String.format("%-" + widths[i] + "s  ", line[i]));
      }
      out.println(text.toString().stripTrailing());
    }
    if (result.rows().isEmpty()) {
      out.println("(none)");
    }
  }

  public static void writeJson(QueryResult result, PrintWriter out) throws IOException {
    JsonGenerator json =
        new ObjectMapper().getFactory().createGenerator(out).useDefaultPrettyPrinter();
    json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    json.writeStartArray();
    for (List<Object> row : result.rows()) {
      json.writeStartObject();
      for (int i = 0; i < row.size(); i++) {
        Object value = row.get(i);
        String name = result.columns().get(i);
        if (value == null) {
          json.writeNullField(name);
        } else if (value instanceof Long number) {
          json.writeNumberField(name, number);
        } else {
          json.writeStringField(name, value.toString());
        }
      }
      json.writeEndObject();
    }
    json.writeEndArray();
    json.flush();
    out.println();
  }

  private static String text(Object value) {
    if (value == null) {
      return "-";
    }
    if (value instanceof Instant instant) {
      return instant.toString();
    }
    return value.toString();
  }
}
