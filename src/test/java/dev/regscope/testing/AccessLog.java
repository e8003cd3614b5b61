package dev.regscope.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The requests a real registry logged in its access log ({@code "HEAD /v2/a/manifests/v1 HTTP/1.1"
 * 200 …}), read from its log file: what the registry itself says it was asked, whichever proxy, TLS
 * or auth sat in front.
 */
public final class AccessLog {
  private static final Pattern LINE =
      Pattern.compile("\"([A-Z]+) (\\S+) HTTP/[0-9.]+\" (\\d{3}) \\d+ \"[^\"]*\" \"([^\"]*)\"");

  /** One logged request. */
  public record Entry(String method, String path, int status, String userAgent) {
    /** The path without its query. */
    public String route() {
      int query = path.indexOf('?');
      return query < 0 ? path : path.substring(0, query);
    }

    public boolean isManifest() {
      return route().contains("/manifests/");
    }

    public boolean isBlob() {
      return route().matches("/v2/.+/blobs/[a-z0-9]+:[a-f0-9]+");
    }

    public boolean isTagList() {
      return route().endsWith("/tags/list");
    }

    public boolean isCatalog() {
      return route().equals("/v2/_catalog");
    }
  }

  private final Path file;
  private int mark;

  public AccessLog(Path file) {
    this.file = file;
  }

  /** Entries from now on only: the next {@link #entries()} starts after what is logged now. */
  public AccessLog mark() {
    mark = lines().size();
    return this;
  }

  /**
   * The requests logged since the mark by clients whose User-Agent starts with {@code agent},
   * waiting until the log has been quiet for half a second (the log is copied from the process as
   * it writes it).
   */
  public List<Entry> entries(String agent) {
    waitQuiet();
    List<String> all = lines();
    List<Entry> entries = new ArrayList<>();
    for (String line : all.subList(Math.min(mark, all.size()), all.size())) {
      Matcher m = LINE.matcher(line);
      if (m.find() && m.group(4).startsWith(agent)) {
        entries.add(new Entry(m.group(1), m.group(2), Integer.parseInt(m.group(3)), m.group(4)));
      }
    }
    return entries;
  }

  public static long count(List<Entry> entries, Predicate<Entry> which) {
    return entries.stream().filter(which).count();
  }

  private void waitQuiet() {
    long size = -1;
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      long now = size();
      if (now == size) {
        return;
      }
      size = now;
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }

  private long size() {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<String> lines() {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
