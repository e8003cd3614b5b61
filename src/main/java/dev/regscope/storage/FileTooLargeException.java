package dev.regscope.storage;

import java.nio.file.FileSystemException;

/**
 * A file larger than the caller agreed to read; only the first bytes past the limit were touched.
 */
public final class FileTooLargeException extends FileSystemException {
  public FileTooLargeException(String file, int limit) {
    super(file, null, "larger than " + limit + " bytes");
  }
}
