package dev.regscope.storage;

import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * A symbolic link met on the way to a file or folder (the file itself, or any folder between the
 * tree's root and it); it names the link, which is never followed.
 */
public final class SymbolicLinkException extends FileSystemException {
  public SymbolicLinkException(Path link) {
    super(link.toString(), null, "is a symbolic link, not followed");
  }
}
