package dev.regscope.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Checks the SQLite file of {@code --events-db} before the store is opened: the folder exists and
 * can be written (SQLite writes its journal and its WAL index beside the file, even to read), and
 * so can the file. Writing is tried, not asked: {@code Files.isWritable} says yes to root for a
 * folder of mode 0555, which root can indeed write, but not for a read-only file system.
 */
final class SqliteLocation {
  private SqliteLocation() {}

  /**
   * Refuses, with one line naming the path, a file that cannot be used.
   *
   * @param create whether a missing file is to be created ({@code serve}) or refused ({@code
   *     query})
   */
  static void check(CommandSpec spec, Path file, boolean create) {
    String option = "--events-db " + file;
    Path absolute = file.toAbsolutePath();
    Path folder = absolute.getParent();
    if (Files.isDirectory(absolute)) {
      throw new BadValue(spec.commandLine(), option + ": is a folder, not a SQLite file");
    }
    if (!Files.exists(absolute)) {
      if (!create) {
        throw new BadValue(
            spec.commandLine(),
            option + ": no such file (serve --events-db creates the store; query reads it)");
      }
      if (!Files.isDirectory(folder)) {
        throw new BadValue(
            spec.commandLine(),
            option
                + ": folder "
                + folder
                + (Files.exists(folder) ? " is not a folder" : " does not exist"));
      }
    }
    writable(spec, option, folder);
    if (Files.exists(absolute)) {
      try (FileChannel channel = FileChannel.open(absolute, StandardOpenOption.WRITE)) {
        // opened for writing and closed: nothing is written
      } catch (IOException e) {
        throw new BadValue(spec.commandLine(), option + ": " + reason(e, "file"));
      }
    }
  }

  /** Creates and deletes a file in {@code folder}: the only answer that holds for root too. */
  private static void writable(CommandSpec spec, String option, Path folder) {
    Path probe;
    try {
      probe = Files.createTempFile(folder, ".regscope-write-check-", ".tmp");
    } catch (IOException e) {
      throw new BadValue(spec.commandLine(), option + ": folder " + folder + " " + reason(e, null));
    }
    try {
      Files.deleteIfExists(probe);
    } catch (IOException e) {
      throw new BadValue(
          spec.commandLine(), option + ": cannot delete " + probe + ": " + e.getMessage());
    }
  }

  private static String reason(IOException e, String what) {
    String prefix = what == null ? "" : "the " + what + " ";
    String message = e instanceof FileSystemException fs ? fs.getReason() : e.getMessage();
    if (e instanceof AccessDeniedException
        || (message != null && message.toLowerCase(java.util.Locale.ROOT).contains("read-only"))) {
      return prefix + "is read-only (" + (message == null ? "permission denied" : message) + ")";
    }
    if (message == null) {
      message = e instanceof NoSuchFileException ? "no such file" : e.getClass().getSimpleName();
    }
    return prefix + "cannot be written: " + message;
  }
}
