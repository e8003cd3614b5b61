package dev.regscope.storage;

import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * A FIFO, socket or device where a regular file was expected. It is never opened: opening a FIFO
 * waits for a writer that may never come.
 */
public final class SpecialFileException extends FileSystemException {
  public SpecialFileException(Path file) {
    super(file.toString(), null, "is not a regular file (a FIFO, socket or device), not opened");
  }
}
