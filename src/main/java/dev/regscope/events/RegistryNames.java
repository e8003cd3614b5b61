package dev.regscope.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Maps the host a request was sent to ({@code request.host}: {@code registry.example.com}, {@code
 * registry.example.com:443}, an internal service name) to one canonical registry name, so pushes
 * through one name and pulls through another land on the same tags. Read from a JSON file of
 * canonical names to aliases:
 *
 * <pre>{"registry.example.com": ["registry.example.com:443", "registry.svc:5000"]}</pre>
 *
 * A host no alias names is its own canonical name, lowercased.
 */
public final class RegistryNames {
  public static final RegistryNames IDENTITY = new RegistryNames(Map.of());

  private final Map<String, String> canonical;

  private RegistryNames(Map<String, String> canonical) {
    this.canonical = Map.copyOf(canonical);
  }

  public static RegistryNames of(Map<String, ? extends Iterable<String>> aliases) {
    Map<String, String> canonical = new HashMap<>();
    aliases.forEach(
        (name, names) -> {
          canonical.put(key(name), name);
          for (String alias : names) {
            String previous = canonical.put(key(alias), name);
            if (previous != null && !previous.equals(name)) {
              throw new IllegalArgumentException(
                  "alias " + alias + " names both " + previous + " and " + name);
            }
          }
        });
    return new RegistryNames(canonical);
  }

  /**
   * Reads the aliases file; a file that is not an object of string arrays fails with its path in
   * the message.
   */
  public static RegistryNames read(Path file) throws IOException {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new IOException(
          file + ": not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
    }
    if (root == null || !root.isObject()) {
      throw new IOException(file + ": expected an object of canonical names to arrays of aliases");
    }
    Map<String, java.util.List<String>> aliases = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (!entry.getValue().isArray()) {
        throw new IOException(file + ": aliases of " + entry.getKey() + " are not an array");
      }
      java.util.List<String> names = new java.util.ArrayList<>();
      for (JsonNode alias : entry.getValue()) {
        if (!alias.isTextual()) {
          throw new IOException(
              file + ": alias " + alias + " of " + entry.getKey() + " is not a string");
        }
        names.add(alias.asText());
      }
      aliases.put(entry.getKey(), names);
    }
    try {
      return of(aliases);
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  public String canonical(String host) {
    if (host == null || host.isBlank()) {
      return "";
    }
    return canonical.getOrDefault(key(host), host.toLowerCase(Locale.ROOT));
  }

  private static String key(String host) {
    return host.trim().toLowerCase(Locale.ROOT);
  }
}
