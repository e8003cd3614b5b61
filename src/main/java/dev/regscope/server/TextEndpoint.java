package dev.regscope.server;

import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A GET/HEAD endpoint whose answer is known at once, such as {@code /-/ready} or a probe's {@code
 * /status}.
 */
public final class TextEndpoint implements Endpoint {
  /** A status and the text to answer with. */
  public record Answer(int status, String text) {}

  private static final Set<String> METHODS = Set.of("GET", "HEAD");
  private final Supplier<Answer> answer;

  public TextEndpoint(Supplier<Answer> answer) {
    this.answer = answer;
  }

  @Override
  public Set<String> methods() {
    return METHODS;
  }

  @Override
  public void handle(Request request, Response response, Callback callback) {
    Answer now = answer.get();
    TextReply.send(request, response, callback, now.status(), now.text());
  }
}
