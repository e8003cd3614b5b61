package dev.regscope.server;

import dev.regscope.metrics.ExpositionPart;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * {@code /metrics}: copies the exposition rendered after the last scan, gzip when the client asks.
 * The body is written asynchronously, block by block as the client takes it, so a client that never
 * reads holds no thread.
 */
final class MetricsEndpoint implements Endpoint {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final Set<String> METHODS = Set.of("GET", "HEAD");
  private static final int BLOCK = 64 * 1024;

  private final List<Supplier<? extends ExpositionPart>> parts;

  MetricsEndpoint(List<Supplier<? extends ExpositionPart>> parts) {
    this.parts = List.copyOf(parts);
  }

  @Override
  public Set<String> methods() {
    return METHODS;
  }

  @Override
  public void handle(Request request, Response response, Callback callback) {
    boolean gzip = acceptsGzip(request);
    List<ExpositionPart> body = new ArrayList<>(parts.size());
    long length = 0;
    for (Supplier<? extends ExpositionPart> part : parts) {
      ExpositionPart now = part.get();
      if (now != null) {
        body.add(now);
        length += now.size(gzip);
      }
    }
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
    if (gzip) {
      response.getHeaders().put(HttpHeader.CONTENT_ENCODING, "gzip");
    }
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
    if (request.getMethod().equals("HEAD")) {
      response.write(true, null, callback);
      return;
    }
    new BodyWriter(response, body, gzip, callback).iterate();
  }

  static boolean acceptsGzip(Request request) {
    for (String value : request.getHeaders().getValuesList(HttpHeader.ACCEPT_ENCODING)) {
      for (String coding : value.split(",")) {
        String token = coding.trim().toLowerCase(Locale.ROOT);
        if (token.equals("gzip")
            || (token.startsWith("gzip;") && !token.replace(" ", "").endsWith("q=0"))) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Writes the parts block by block; each block is read from memory, the next one only once the
   * last is sent.
   */
  private static final class BodyWriter extends IteratingCallback {
    private final Response response;
    private final List<ExpositionPart> parts;
    private final boolean gzip;
    private final Callback callback;
    private int next;
    private InputStream current;
    private boolean lastWritten;

    BodyWriter(Response response, List<ExpositionPart> parts, boolean gzip, Callback callback) {
      this.response = response;
      this.parts = parts;
      this.gzip = gzip;
      this.callback = callback;
    }

    @Override
    protected Action process() throws IOException {
      if (lastWritten) {
        return Action.SUCCEEDED;
      }
      byte[] block = new byte[BLOCK];
      int filled = 0;
      while (filled < BLOCK) {
        if (current == null) {
          if (next == parts.size()) {
            break;
          }
          current = parts.get(next++).open(gzip);
        }
        int n;
        try {
          n = current.read(block, filled, BLOCK - filled);
        } catch (UncheckedIOException e) {
          throw e.getCause();
        }
        if (n < 0) {
          current.close();
          current = null;
        } else {
          filled += n;
        }
      }
      lastWritten = filled < BLOCK && current == null && next == parts.size();
      response.write(lastWritten, ByteBuffer.wrap(block, 0, filled), this);
      return Action.SCHEDULED;
    }

    @Override
    protected void onCompleteSuccess() {
      callback.succeeded();
    }

    @Override
    protected void onCompleteFailure(Throwable cause) {
      callback.failed(cause);
    }
  }
}
