package dev.regscope.events;

/**
 * A notification body that is not the registry's envelope; the message is one line naming the bad
 * value.
 */
public final class MalformedEventException extends Exception {
  public MalformedEventException(String message) {
    super(message);
  }
}
