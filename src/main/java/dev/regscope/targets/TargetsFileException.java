package dev.regscope.targets;

/** A targets file that cannot be used; the message names the file, the entry and what is wrong. */
public final class TargetsFileException extends Exception {
  TargetsFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
