package dev.regscope.core;

/** Thrown when text that should be a digest is not one; the message quotes the text. */
public final class InvalidDigestException extends Exception {
  public InvalidDigestException(String message) {
    super(message);
  }
}
