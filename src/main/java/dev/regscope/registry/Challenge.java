package dev.regscope.registry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code WWW-Authenticate} challenge: its scheme ({@code basic}, {@code bearer}) and parameters
 * ({@code realm}, {@code service}, {@code scope}, {@code error}); pure.
 */
record Challenge(String scheme, Map<String, String> parameters) {
  Challenge {
    scheme = scheme.toLowerCase(Locale.ROOT);
    parameters = Map.copyOf(parameters);
  }

  boolean isBearer() {
    return scheme.equals("bearer");
  }

  boolean isBasic() {
    return scheme.equals("basic");
  }

  Optional<String> parameter(String name) {
    return Optional.ofNullable(parameters.get(name));
  }

  /** The Bearer challenge among the headers if there is one, else the Basic one, else empty. */
  static Optional<Challenge> choose(List<String> headers) {
    Challenge basic = null;
    for (String header : headers) {
      Optional<Challenge> parsed = parse(header);
      if (parsed.isPresent()
          && parsed.get().isBearer()
          && parsed.get().parameters.containsKey("realm")) {
        return parsed;
      }
      if (parsed.isPresent() && parsed.get().isBasic()) {
        basic = parsed.get();
      }
    }
    return Optional.ofNullable(basic);
  }

  /**
   * Parses {@code Scheme key="value", key=token, ...}; quoted values may hold commas and escaped
   * quotes. Empty for a header without a scheme.
   */
  static Optional<Challenge> parse(String header) {
    String text = header.strip();
    int space = 0;
    while (space < text.length() && !Character.isWhitespace(text.charAt(space))) {
      space++;
    }
    String scheme = text.substring(0, space);
    if (scheme.isEmpty() || scheme.contains("=")) {
      return Optional.empty();
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    int i = space;
    while (i < text.length()) {
      while (i < text.length()
          && (text.charAt(i) == ',' || Character.isWhitespace(text.charAt(i)))) {
        i++;
      }
      int equals = text.indexOf('=', i);
      if (equals < 0) {
        break;
      }
      String key = text.substring(i, equals).strip().toLowerCase(Locale.ROOT);
      i = equals + 1;
      StringBuilder value = new StringBuilder();
      if (i < text.length() && text.charAt(i) == '"') {
        i++;
        while (i < text.length() && text.charAt(i) != '"') {
          if (text.charAt(i) == '\\' && i + 1 < text.length()) {
            i++;
          }
          value.append(text.charAt(i++));
        }
        i++; // the closing quote
      } else {
        while (i < text.length() && text.charAt(i) != ',') {
          value.append(text.charAt(i++));
        }
      }
      parameters.put(key, value.toString().strip());
    }
    return Optional.of(new Challenge(scheme, parameters));
  }
}
