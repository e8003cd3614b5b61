package dev.regscope.registry;

/**
 * Why a registry call failed, in the classes Konflux's registry exporter publishes; decided from
 * status codes and exception types, never from message text.
 */
public enum ErrorClass {
  /** The attempt ran past its deadline (connect, headers or body). */
  TIMEOUT,
  /** The registry refused the request as malformed or not allowed (400, 405, 409, 413, ...). */
  INVALID_REQUEST,
  /** Credentials missing, wrong, or without the right (401, 403, a refused token). */
  AUTHENTICATION,
  /** The repository, manifest or blob is not there (404). */
  NOT_FOUND,
  /** The registry failed (5xx, 429) or served content that does not match its digest. */
  SERVER_ERROR,
  /** No answer: connection refused or reset, unknown host, TLS handshake failure. */
  NETWORK_ERROR,
  /** Anything else. */
  UNKNOWN
}
