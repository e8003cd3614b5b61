package dev.regscope.registry;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** Maps HTTP statuses and exception types to {@link ErrorClass}; pure. */
final class ErrorClassifier {
  private ErrorClassifier() {}

  static ErrorClass forStatus(int status) {
    if (status == 401 || status == 403) {
      return ErrorClass.AUTHENTICATION;
    }
    if (status == 404) {
      return ErrorClass.NOT_FOUND;
    }
    if (status == 408) {
      return ErrorClass.TIMEOUT;
    }
    // A registry that throttles is not serving: for a client that is a server-side failure.
    if (status == 429 || status >= 500 && status <= 599) {
      return ErrorClass.SERVER_ERROR;
    }
    if (status >= 400 && status <= 499) {
      return ErrorClass.INVALID_REQUEST;
    }
    return ErrorClass.UNKNOWN;
  }

  /** The class of a failure with no HTTP answer, from the first cause whose type says. */
  static ErrorClass forThrowable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof RegistryException registry) {
        return registry.errorClass();
      }
      if (t instanceof HttpTimeoutException || t instanceof TimeoutException) {
        return ErrorClass.TIMEOUT;
      }
      if (t instanceof SSLException) {
        return ErrorClass.NETWORK_ERROR;
      }
      if (t instanceof java.net.ConnectException
          || t instanceof java.net.UnknownHostException
          || t instanceof java.net.NoRouteToHostException
          || t instanceof java.net.SocketException
          || t instanceof java.nio.channels.UnresolvedAddressException
          || t instanceof java.nio.channels.ClosedChannelException) {
        return ErrorClass.NETWORK_ERROR;
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof IOException) {
        // The JDK client reports a dropped connection as a bare IOException ("closed", EOF).
        return ErrorClass.NETWORK_ERROR;
      }
    }
    return ErrorClass.UNKNOWN;
  }

  /** Whether the failure was in the TLS handshake or session, which the log names as such. */
  static boolean isTls(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return true;
      }
    }
    return false;
  }
}
