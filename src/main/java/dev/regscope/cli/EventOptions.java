package dev.regscope.cli;

import dev.regscope.events.RegistryNames;
import dev.regscope.events.store.EventDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** Where the event store is and how to reach it (a picocli mixin for serve and query). */
final class EventOptions {
  @Option(
      names = "--events-db",
      paramLabel = "DB",
      description =
          "Event store: a SQLite file path (serve creates it if missing, in a folder that exists),"
              + " or a jdbc:postgresql:// URL. With serve, turns the /events webhook receiver on.")
  String db;

  @Option(
      names = "--events-db-password-file",
      paramLabel = "FILE",
      description = "PostgreSQL password, if not in the URL")
  Path passwordFile;

  @Option(
      names = "--registry-name",
      paramLabel = "NAME",
      description =
          "Only this registry's events (its canonical name, the request host or an alias's target); "
              + "default: all registries in the store")
  String registry;

  boolean enabled() {
    return db != null;
  }

  EventDatabase open(CommandSpec spec) throws SQLException {
    return open(spec, EventDatabase.Timeouts.SERVE);
  }

  /**
   * Opens the store; a SQLite file is created only by {@code serve} ({@code create}), and only in a
   * folder that exists and can be written: anything else is a usage error naming the path, before
   * the pool would retry for a minute.
   */
  EventDatabase open(CommandSpec spec, EventDatabase.Timeouts timeouts, boolean create)
      throws SQLException {
    if (!db.startsWith("jdbc:")) {
      SqliteLocation.check(spec, Path.of(db), create);
    }
    return open(spec, timeouts);
  }

  EventDatabase open(CommandSpec spec, EventDatabase.Timeouts timeouts) throws SQLException {
    String password =
        passwordFile == null ? null : readSecret(spec, passwordFile, "--events-db-password-file");
    return EventDatabase.open(db, password, timeouts);
  }

  /**
   * The token k8s/events ships in its Secret: a registry and a regscope that both kept it would
   * accept events from anyone who read the repository, so serve refuses it.
   */
  static final String PLACEHOLDER_TOKEN = "change-me-to-a-long-random-token";

  /** The webhook token in a file; a missing, empty or placeholder token is a usage error. */
  static String readToken(CommandSpec spec, Path file) {
    String token = readSecret(spec, file, "--events-token-file");
    if (token.equals(PLACEHOLDER_TOKEN)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--events-token-file "
              + file
              + " holds the placeholder token shipped in k8s/events; set a random one"
              + " (openssl rand -hex 32)");
    }
    return token;
  }

  /**
   * A secret file's content without surrounding whitespace; a missing or empty file is a usage
   * error.
   */
  static String readSecret(CommandSpec spec, Path file, String option) {
    try {
      String secret = Files.readString(file).strip();
      if (secret.isEmpty()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), option + " " + file + " is empty");
      }
      return secret;
    } catch (IOException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), option + " " + file + " cannot be read: " + e.getMessage());
    }
  }

  static RegistryNames aliases(CommandSpec spec, Path file) {
    if (file == null) {
      return RegistryNames.IDENTITY;
    }
    try {
      return RegistryNames.read(file);
    } catch (IOException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--registry-aliases " + e.getMessage());
    }
  }
}
