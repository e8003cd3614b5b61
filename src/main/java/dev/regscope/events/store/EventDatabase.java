package dev.regscope.events.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The event store's database: an embedded SQLite file (WAL mode) or, for several regscope replicas
 * sharing one, PostgreSQL given as a {@code jdbc:postgresql://} URL. Both get the same schema from
 * the same versioned migrations ({@code db/migration}, applied by Flyway on open).
 */
public final class EventDatabase implements AutoCloseable {
  /**
   * How long a writer waits for another process's SQLite write lock before the store counts as
   * down.
   */
  private static final int SQLITE_BUSY_MILLIS = 5000;

  private final HikariDataSource pool;
  private final boolean sqlite;
  private final String description;

  /**
   * SQLite has one writer at a time: writers of this process queue here instead of failing with
   * SQLITE_BUSY.
   */
  private final Lock writeLock = new ReentrantLock(true);

  private EventDatabase(HikariDataSource pool, boolean sqlite, String description) {
    this.pool = pool;
    this.sqlite = sqlite;
    this.description = description;
  }

  /**
   * Opens and migrates the store.
   *
   * @param location a {@code jdbc:postgresql://} URL, or the path of the SQLite file (created if
   *     missing)
   * @param password for PostgreSQL, if not in the URL; null otherwise
   */
  public static EventDatabase open(String location, String password) throws SQLException {
    HikariConfig config = new HikariConfig();
    config.setPoolName("regscope-events");
    // Fail fast when the database is down: the receiver answers 503 and the registry retries.
    config.setConnectionTimeout(3000);
    config.setInitializationFailTimeout(-1);
    boolean sqlite = !location.startsWith("jdbc:");
    String description;
    if (sqlite) {
      Path file = Path.of(location).toAbsolutePath();
      try {
        Files.createDirectories(file.getParent());
      } catch (java.io.IOException e) {
        throw new SQLException("cannot create the folder of " + file + ": " + e.getMessage(), e);
      }
      config.setJdbcUrl("jdbc:sqlite:" + file);
      config.addDataSourceProperty("journal_mode", "WAL");
      config.addDataSourceProperty("synchronous", "FULL");
      config.addDataSourceProperty("busy_timeout", String.valueOf(SQLITE_BUSY_MILLIS));
      config.addDataSourceProperty("foreign_keys", "true");
      config.setMaximumPoolSize(4);
      description = "SQLite " + file;
    } else if (location.startsWith("jdbc:postgresql:")) {
      config.setJdbcUrl(location);
      if (password != null) {
        config.setPassword(password);
      }
      config.setMaximumPoolSize(10);
      description = "PostgreSQL " + location.replaceAll("password=[^&]*", "password=***");
    } else {
      throw new SQLException(
          "--events-db takes a file path or a jdbc:postgresql:// URL, not " + location);
    }
    config.setAutoCommit(true);
    HikariDataSource pool = new HikariDataSource(config);
    try {
      migrate(pool);
    } catch (FlywayException e) {
      pool.close();
      throw new SQLException(
          "cannot migrate the event store "
              + description
              + ": "
              + e.getMessage().lines().findFirst().orElse(""),
          e);
    }
    return new EventDatabase(pool, sqlite, description);
  }

  private static void migrate(DataSource dataSource) {
    Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .connectRetries(5)
        .load()
        .migrate();
  }

  public Connection connection() throws SQLException {
    return pool.getConnection();
  }

  public boolean isSqlite() {
    return sqlite;
  }

  /** Held around every write transaction; a no-op lock for PostgreSQL, which has row locks. */
  Lock writeLock() {
    return sqlite ? writeLock : NoLock.INSTANCE;
  }

  @Override
  public String toString() {
    return description;
  }

  @Override
  public void close() {
    pool.close();
  }
}
