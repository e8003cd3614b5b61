package dev.regscope.registry;

import dev.regscope.core.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Uploads one blob: {@code POST} opens the upload, then one {@code PUT} with the bytes, or, above
 * the chunk size, {@code PATCH} chunk by chunk and a closing {@code PUT}; each answer's {@code
 * Location} names the next step. Not retried per request: a failed upload is started again whole.
 */
final class BlobUpload {
  private static final Map<String, String> OCTETS =
      Map.of("Content-Type", "application/octet-stream");

  private final Exchange exchange;
  private final RegistryAddress registry;
  private final long chunkSize;
  private final Clock clock;

  BlobUpload(Exchange exchange, RegistryAddress registry, long chunkSize, Clock clock) {
    this.exchange = exchange;
    this.registry = registry;
    this.chunkSize = chunkSize;
    this.clock = clock;
  }

  void push(String repository, BlobContent blob, Deadline deadline) throws RegistryException {
    Scope scope = Scope.forRequest(repository, "POST");
    URI start = registry.resolve("/v2/" + repository + "/blobs/uploads/");
    Transport.Response<Void> opened =
        expect(
            202,
            exchange.send(
                Exchange.Call.of("POST", start, scope, Map.of()),
                BodyHandlers.discarding(),
                deadline));
    URI location = location(opened);
    long size = blob.size();
    Transport.Response<Void> done;
    if (size <= chunkSize) {
      done =
          send(
              "PUT",
              withDigest(location, blob.digest()),
              scope,
              OCTETS,
              body(blob, 0, size),
              deadline);
    } else {
      for (long offset = 0; offset < size; offset += chunkSize) {
        long length = Math.min(chunkSize, size - offset);
        Map<String, String> headers =
            Map.of(
                "Content-Type",
                "application/octet-stream",
                "Content-Range",
                offset + "-" + (offset + length - 1));
        Transport.Response<Void> patched =
            expect(
                202, send("PATCH", location, scope, headers, body(blob, offset, length), deadline));
        location = location(patched);
      }
      done =
          send(
              "PUT",
              withDigest(location, blob.digest()),
              scope,
              Map.of(),
              BodyPublishers::noBody,
              deadline);
    }
    expect(201, done);
    String named = done.header("Docker-Content-Digest").orElse(blob.digest().toString());
    if (!named.equals(blob.digest().toString())) {
      throw RegistryException.of(
          ErrorClass.SERVER_ERROR,
          "the registry stored blob " + blob.digest() + " as " + named,
          null);
    }
  }

  private Transport.Response<Void> send(
      String method,
      URI uri,
      Scope scope,
      Map<String, String> headers,
      Supplier<BodyPublisher> body,
      Deadline deadline)
      throws RegistryException {
    return exchange.send(
        new Exchange.Call(method, uri, scope, headers, body, false),
        BodyHandlers.discarding(),
        deadline);
  }

  private Transport.Response<Void> expect(int status, Transport.Response<Void> response)
      throws RegistryException {
    if (response.status() != status) {
      throw response.failure(clock);
    }
    return response;
  }

  private static URI location(Transport.Response<?> response) throws RegistryException {
    String location =
        response
            .header("Location")
            .orElseThrow(
                () ->
                    RegistryException.of(
                        ErrorClass.SERVER_ERROR,
                        response.method() + " " + response.uri().getRawPath() + ": no Location",
                        null));
    return response.uri().resolve(location);
  }

  private static URI withDigest(URI location, Digest digest) {
    String query = "digest=" + URLEncoder.encode(digest.toString(), StandardCharsets.UTF_8);
    String raw = location.toString();
    return URI.create(raw + (location.getRawQuery() == null ? "?" : "&") + query);
  }

  private static Supplier<BodyPublisher> body(BlobContent blob, long offset, long length) {
    if (length == 0) {
      return BodyPublishers::noBody;
    }
    return () ->
        BodyPublishers.fromPublisher(
            BodyPublishers.ofInputStream(
                () -> {
                  try {
                    return blob.open(offset, length);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                }),
            length);
  }
}
