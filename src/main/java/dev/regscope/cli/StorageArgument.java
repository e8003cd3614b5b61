package dev.regscope.cli;

import dev.regscope.storage.InvalidStorageRootException;
import dev.regscope.storage.StorageLayout;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Turns the PATH argument into a layout, or ends the command with exit code 2 and one line naming the path. */
public final class StorageArgument {
  static final int EXIT_BAD_PATH = 2;

  private StorageArgument() {}

  static StorageLayout locate(Path path, CommandSpec spec) {
    try {
      return StorageLayout.locate(path);
    } catch (InvalidStorageRootException e) {
      throw new BadStoragePath(spec.commandLine(), e.getMessage());
    }
  }

  /** A usage error (exit code 2) whose message is the one line the user sees. */
  public static final class BadStoragePath extends CommandLine.ParameterException {
    BadStoragePath(CommandLine commandLine, String message) {
      super(commandLine, message);
    }
  }
}
