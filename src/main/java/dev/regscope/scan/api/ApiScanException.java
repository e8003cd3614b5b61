package dev.regscope.scan.api;

import dev.regscope.model.ApiError;
import java.io.IOException;

/** A scan over the API that could not read the registry at all; its message is the log line. */
public final class ApiScanException extends IOException {
  private final ApiError reason;

  ApiScanException(ApiError reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public ApiError reason() {
    return reason;
  }

  @Override
  public String toString() {
    return getMessage();
  }
}
