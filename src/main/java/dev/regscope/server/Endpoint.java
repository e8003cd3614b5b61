package dev.regscope.server;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One path of the server. Its handler must not wait on anything slow (a disk, a database, a
 * client): it answers at once, writes asynchronously, or hands the work to workers of its own, so
 * no client can starve the others.
 */
public interface Endpoint {
  /** The methods it answers; others get 405 with an {@code Allow} header. */
  java.util.Set<String> methods();

  /**
   * Handles a request whose method is one of {@link #methods()}; completes {@code callback} when
   * done.
   */
  void handle(Request request, Response response, Callback callback) throws Exception;
}
