package dev.regscope.events;

/**
 * What an event is about. Deletes by digest do not say whether a manifest or a blob went: {@code
 * DIGEST}.
 */
public enum Target {
  MANIFEST,
  BLOB,
  TAG,
  DIGEST
}
