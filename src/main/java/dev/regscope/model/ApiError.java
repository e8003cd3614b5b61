package dev.regscope.model;

/**
 * Why reading a registry over its HTTP API failed; its {@link #label()} is the {@code reason} label
 * of {@code regscope_api_errors_total}.
 */
public enum ApiError {
  /** No answer: connection refused or reset, unknown host, TLS handshake failure. */
  NETWORK("network"),
  /** No complete answer in time. */
  TIMEOUT("timeout"),
  /** Credentials missing, wrong or without the right (401, 403, a refused token). */
  AUTHENTICATION("authentication"),
  /** The registry does not list its repositories (Docker Hub and most cloud registries). */
  CATALOG_REFUSED("catalog_refused"),
  /** A repository named in the URL or with --repository that the registry does not know. */
  NOT_FOUND("not_found"),
  /** Still 429 after waiting as the registry asked. */
  RATE_LIMITED("rate_limited"),
  /** Still 5xx after retries. */
  SERVER_ERROR("server_error"),
  /** Any other refusal (400, 405, ...). */
  INVALID_REQUEST("invalid_request"),
  /** An answer that is not what the API promises: HTML from a proxy, JSON cut short. */
  MALFORMED("malformed"),
  /** Content whose bytes do not match the digest it was asked for (or announced). */
  DIGEST_MISMATCH("digest_mismatch"),
  UNKNOWN("unknown");

  private final String label;

  ApiError(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
