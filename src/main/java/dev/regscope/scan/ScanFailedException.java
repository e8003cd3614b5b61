package dev.regscope.scan;

import dev.regscope.model.ScanFailure;
import java.io.IOException;

/** A scan that failed as a whole, and why; the message is the one line the log shows. */
public final class ScanFailedException extends IOException {
  private final ScanFailure reason;

  public ScanFailedException(ScanFailure reason, String message) {
    super(message);
    this.reason = reason;
  }

  public ScanFailure reason() {
    return reason;
  }
}
