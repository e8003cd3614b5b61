package dev.regscope.registry;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A registry call that failed: its {@link ErrorClass}, the HTTP status if there was an answer, the
 * registry's error codes from the body ({@code UNSUPPORTED}, {@code MANIFEST_UNKNOWN}, ...), and
 * how long the registry asked us to wait ({@code Retry-After}).
 */
public final class RegistryException extends IOException {
  private final ErrorClass errorClass;
  private final int status;
  private final List<String> codes;
  private final Duration retryAfter;
  private final ContentFault contentFault;

  RegistryException(
      ErrorClass errorClass,
      int status,
      List<String> codes,
      Duration retryAfter,
      String message,
      Throwable cause) {
    this(errorClass, status, codes, retryAfter, null, message, cause);
  }

  private RegistryException(
      ErrorClass errorClass,
      int status,
      List<String> codes,
      Duration retryAfter,
      ContentFault contentFault,
      String message,
      Throwable cause) {
    super(message, cause);
    this.errorClass = errorClass;
    this.status = status;
    this.codes = List.copyOf(codes);
    this.retryAfter = retryAfter;
    this.contentFault = contentFault;
  }

  /**
   * A failure without an HTTP answer (a timeout, a refused connection, content that does not match
   * its digest, an answer that makes no sense).
   */
  public static RegistryException of(ErrorClass errorClass, String message, Throwable cause) {
    return new RegistryException(errorClass, 0, List.of(), null, message, cause);
  }

  /**
   * An answer whose content cannot be used: served wrong, so a server-side failure that retrying
   * the same request does not mend.
   */
  public static RegistryException badContent(ContentFault fault, String message, Throwable cause) {
    return new RegistryException(
        ErrorClass.SERVER_ERROR, 0, List.of(), null, fault, message, cause);
  }

  public ErrorClass errorClass() {
    return errorClass;
  }

  /** The HTTP status of the answer, if the registry answered. */
  public OptionalInt status() {
    return status == 0 ? OptionalInt.empty() : OptionalInt.of(status);
  }

  /**
   * The {@code errors[].code} values of the registry's answer, as the distribution spec names them.
   */
  public List<String> codes() {
    return codes;
  }

  /** What was wrong with the content of an answer, when that is why the call failed. */
  public Optional<ContentFault> contentFault() {
    return Optional.ofNullable(contentFault);
  }

  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /**
   * Whether the registry said it does not do this at all (405, or the code {@code UNSUPPORTED}).
   */
  public boolean unsupported() {
    return status == 405 || codes.contains("UNSUPPORTED");
  }
}
