package dev.regscope.storage.s3;

import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** Names what went wrong with a request to the bucket: a metric reason and a line for the log. */
final class S3Errors {
  static final String NOT_FOUND = "not_found";
  static final String NO_SUCH_BUCKET = "no_such_bucket";
  static final String INVALID_CREDENTIALS = "invalid_credentials";
  static final String ACCESS_DENIED = "access_denied";
  static final String CONNECTION = "connection";
  static final String TRUNCATED_LISTING = "truncated_listing";
  static final String EMPTY_ROOT = "empty_root";
  static final String OTHER = "other";

  private static final Set<String> CREDENTIAL_CODES =
      Set.of(
          "InvalidAccessKeyId",
          "SignatureDoesNotMatch",
          "ExpiredToken",
          "InvalidToken",
          "TokenRefreshRequired",
          "AuthorizationHeaderMalformed");

  private S3Errors() {}

  /** The metric reason for a failed request. */
  static String reason(Throwable failure) {
    if (failure instanceof AwsServiceException service) {
      String code =
          service.awsErrorDetails() == null
              ? ""
              : String.valueOf(service.awsErrorDetails().errorCode());
      int status = service.statusCode();
      if (code.equals("NoSuchBucket")) {
        return NO_SUCH_BUCKET;
      }
      if (code.equals("NoSuchKey") || status == 404) {
        return NOT_FOUND;
      }
      if (CREDENTIAL_CODES.contains(code)) {
        return INVALID_CREDENTIALS;
      }
      if (status == 403) {
        return ACCESS_DENIED;
      }
      if (status == 503 || status == 429 || code.equals("SlowDown")) {
        return S3Requests.THROTTLED;
      }
      return status >= 500 ? S3Requests.SERVER_ERROR : OTHER;
    }
    if (failure instanceof SdkClientException) {
      return CONNECTION;
    }
    return OTHER;
  }

  /** What went wrong, in words, for the log line. */
  static String describe(Throwable failure) {
    if (failure instanceof AwsServiceException service) {
      String code =
          service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
      String message =
          service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorMessage();
      String what =
          switch (reason(failure)) {
            case NO_SUCH_BUCKET -> "the bucket does not exist";
            case INVALID_CREDENTIALS -> "the credentials were refused";
            case ACCESS_DENIED -> "access denied";
            case S3Requests.THROTTLED -> "throttled, still after retries with back-off";
            default -> "the request failed";
          };
      return what
          + " ("
          + (code == null ? "" : code + ", ")
          + "HTTP "
          + service.statusCode()
          + (message == null || message.isBlank() ? "" : ": " + message)
          + ")";
    }
    Throwable cause = failure;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String detail = cause == failure ? failure.getMessage() : failure.getMessage() + ": " + cause;
    return "cannot reach the bucket (" + detail + ")";
  }
}
