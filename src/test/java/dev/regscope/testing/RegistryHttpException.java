package dev.regscope.testing;

import java.net.URI;

/**
 * A registry answer outside 2xx; an {@link AssertionError} so that a test fails with the request
 * and the registry's own error body in the message, not with a bare status code.
 */
public final class RegistryHttpException extends AssertionError {
  private final String method;
  private final URI uri;
  private final int status;
  private final String body;

  RegistryHttpException(String method, URI uri, int status, String body) {
    super(method + " " + uri + " answered " + status + ": " + body);
    this.method = method;
    this.uri = uri;
    this.status = status;
    this.body = body;
  }

  public String method() {
    return method;
  }

  public URI uri() {
    return uri;
  }

  public int status() {
    return status;
  }

  public String body() {
    return body;
  }
}
