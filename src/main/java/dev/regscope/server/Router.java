package dev.regscope.server;

import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Sends each request to the endpoint of exactly its path ({@code /metricsfoo} and {@code
 * /metrics;x} are 404).
 */
final class Router extends Handler.Abstract {
  private final Map<String, Endpoint> endpoints;

  Router(Map<String, Endpoint> endpoints) {
    this.endpoints = Map.copyOf(endpoints);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    // The raw path, parameters and all: only the exact path names an endpoint.
    Endpoint endpoint = endpoints.get(request.getHttpURI().getPath());
    if (endpoint == null) {
      TextReply.send(
          request, response, callback, 404, "not found; metrics are at " + Endpoints.METRICS);
      return true;
    }
    if (!endpoint.methods().contains(request.getMethod())) {
      response
          .getHeaders()
          .put(HttpHeader.ALLOW, String.join(", ", endpoint.methods().stream().sorted().toList()));
      TextReply.send(
          request,
          response,
          callback,
          405,
          "method " + request.getMethod() + " is not allowed here");
      return true;
    }
    endpoint.handle(request, response, callback);
    return true;
  }
}
