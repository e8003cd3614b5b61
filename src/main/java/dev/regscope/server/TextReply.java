package dev.regscope.server;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** A one-line plain-text answer, written asynchronously. */
public final class TextReply {
  private TextReply() {}

  public static void send(
      Request request, Response response, Callback callback, int status, String line) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    if (request.getMethod().equals("HEAD")) {
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
      response.write(true, null, callback);
      return;
    }
    Content.Sink.write(response, true, line.endsWith("\n") ? line : line + "\n", callback);
  }
}
