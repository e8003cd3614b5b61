package dev.regscope.storage;

import java.nio.file.Path;

/**
 * The path given on the command line is not a registry storage folder; the message names the path.
 */
public final class InvalidStorageRootException extends Exception {
  public InvalidStorageRootException(Path path, String problem) {
    super("storage path " + path + " " + problem);
  }
}
