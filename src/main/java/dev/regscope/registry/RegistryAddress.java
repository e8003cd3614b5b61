package dev.regscope.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where a registry answers: {@code https://host[:port]}, or {@code http://} only when the URL says
 * so. The host (with its port, if given) is also what credentials are matched by.
 */
public record RegistryAddress(String scheme, String authority) {
  public RegistryAddress {
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("unknown scheme " + scheme);
    }
  }

  /**
   * Parses {@code http(s)://host[:port]} followed by anything (a path, which the caller reads); the
   * message of the exception names the value and what is wrong with it.
   */
  public static RegistryAddress parse(String url) {
    URI uri = uri(url);
    return new RegistryAddress(uri.getScheme().toLowerCase(Locale.ROOT), uri.getRawAuthority());
  }

  /** The path of {@code url} without its leading and trailing slashes; empty if none. */
  static String path(String url) {
    String path = uri(url).getPath();
    return path == null ? "" : path.replaceAll("^/+|/+$", "");
  }

  private static URI uri(String url) {
    int scheme = url.indexOf("://");
    if (scheme <= 0) {
      throw new IllegalArgumentException(
          "no scheme in " + url + ": write https://host[:port]/... (or http:// for plain HTTP)");
    }
    String name = url.substring(0, scheme).toLowerCase(Locale.ROOT);
    if (!name.equals("http") && !name.equals("https")) {
      throw new IllegalArgumentException(
          "unknown scheme "
              + url.substring(0, scheme)
              + " in "
              + url
              + ": only https:// or http://");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL: " + url + " (" + e.getReason() + ")");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("no host in " + url);
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "unexpected user, query or fragment in " + url + ": write scheme://host[:port]/...");
    }
    return uri;
  }

  /** The host without the port, as {@code config.json} entries may name it. */
  public String host() {
    return URI.create(scheme + "://" + authority).getHost();
  }

  /** {@code scheme://authority}. */
  public URI base() {
    return URI.create(scheme + "://" + authority);
  }

  /** An absolute URI of {@code pathAndQuery}, which starts with {@code /}. */
  URI resolve(String pathAndQuery) {
    return URI.create(scheme + "://" + authority + pathAndQuery);
  }

  @Override
  public String toString() {
    return scheme + "://" + authority;
  }
}
