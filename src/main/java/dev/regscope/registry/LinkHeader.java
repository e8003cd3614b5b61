package dev.regscope.registry;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the {@code rel="next"} target of {@code Link} headers, resolved against the request (the
 * registry writes a path, {@code </v2/_catalog?last=a&n=2>; rel="next"}); pure.
 */
final class LinkHeader {
  private static final Pattern LINK = Pattern.compile("<([^>]*)>((?:\\s*;\\s*[^;,]+)*)");
  private static final Pattern NEXT =
      Pattern.compile(";\\s*rel\\s*=\\s*(\"[^\"]*\"|[^;\\s,]+)", Pattern.CASE_INSENSITIVE);

  private LinkHeader() {}

  static Optional<URI> next(List<String> headers, URI request) {
    for (String header : headers) {
      Matcher link = LINK.matcher(header);
      while (link.find()) {
        Matcher rel = NEXT.matcher(link.group(2));
        while (rel.find()) {
          String relations = rel.group(1).replace("\"", "");
          for (String relation : relations.split("\\s+")) {
            if (relation.equalsIgnoreCase("next")) {
              return Optional.of(request.resolve(link.group(1).strip()));
            }
          }
        }
      }
    }
    return Optional.empty();
  }
}
