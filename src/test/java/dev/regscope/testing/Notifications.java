package dev.regscope.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The 279 webhook POSTs a real registry 2.8.2 sent (copied from {@code
 * shared/fixtures/notifications}), in the order it sent them: each body exactly as received, with
 * the request's headers.
 */
public final class Notifications {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One POST: its number, raw body and the headers it came with. */
  public record Post(int seq, byte[] body, List<String[]> headers) {
    public String header(String name) {
      return headers.stream()
          .filter(h -> h[0].equalsIgnoreCase(name))
          .map(h -> h[1])
          .findFirst()
          .orElse(null);
    }

    /** The event inside, read with plain Jackson (not regscope's parser), for expectations. */
    public JsonNode event() {
      try {
        return JSON.readTree(body).get("events").get(0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private Notifications() {}

  public static List<Post> all() {
    try {
      Path dir =
          Path.of(Notifications.class.getResource("/notifications/0001.json").toURI()).getParent();
      List<Post> posts = new ArrayList<>();
      try (Stream<Path> files = Files.list(dir)) {
        for (Path body :
            files
                .filter(f -> f.getFileName().toString().matches("\\d{4}\\.json"))
                .sorted()
                .toList()) {
          String number = body.getFileName().toString().substring(0, 4);
          JsonNode meta = JSON.readTree(dir.resolve(number + ".headers.json").toFile());
          List<String[]> headers = new ArrayList<>();
          meta.get("headers")
              .forEach(h -> headers.add(new String[] {h.get(0).asText(), h.get(1).asText()}));
          posts.add(new Post(Integer.parseInt(number), Files.readAllBytes(body), headers));
        }
      }
      return posts;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The POST with this number (1-based, as the fixture files are named). */
  public static Post number(List<Post> posts, int seq) {
    return posts.stream().filter(p -> p.seq() == seq).findFirst().orElseThrow();
  }
}
