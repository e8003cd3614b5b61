package dev.regscope.cli;

import dev.regscope.storage.InvalidStorageRootException;
import dev.regscope.storage.StorageLayout;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;

/**
 * The PATH argument every command takes (a picocli mixin), turned into a layout, or a refusal with exit code 2 and
 * one line naming the path.
 */
public final class StorageArgument {
  @Parameters(paramLabel = "PATH", description = "Registry storage root, its docker/registry/v2 folder, "
      + "or a folder holding repositories/ and blobs/.")
  Path path;

  StorageLayout locate(CommandSpec spec) {
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
