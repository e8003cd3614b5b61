package dev.regscope.events.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The event store's database: an embedded SQLite file (WAL mode) or, for several regscope replicas
 * sharing one, PostgreSQL given as a {@code jdbc:postgresql://} URL. Both get the same schema from
 * the same versioned migrations ({@code db/migration/common}, plus {@code db/migration/postgresql}
 * for what only PostgreSQL needs), applied by Flyway on open. Every call has a deadline, so a hung
 * database fails calls instead of holding them forever.
 */
public final class EventDatabase implements AutoCloseable {
  /**
   * How long a call may wait before the store counts as down.
   *
   * @param call a statement's round trip (PostgreSQL's socket timeout), the wait for the SQLite
   *     write lock of this process and of others
   * @param connect getting a connection, from the pool or a new one
   */
  public record Timeouts(Duration call, Duration connect) {
    /** The receiver's: the registry's own notification timeout is a few seconds. */
    public static final Timeouts SERVE =
        new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(3));

    /** An operator's query over a large store may read for a while. */
    public static final Timeouts QUERY =
        new Timeouts(Duration.ofMinutes(10), Duration.ofSeconds(10));
  }

  /**
   * A checkpoint that resets the WAL truncates it to this: a WAL grown on a burst (or up to a full
   * disk) gives the space back.
   */
  static final long JOURNAL_SIZE_LIMIT = 4L << 20;

  private final HikariDataSource pool;
  private final Path file;
  private final String description;
  private final Timeouts timeouts;

  /**
   * SQLite has one writer at a time: writers of this process (deliveries, pruning) queue here, in
   * arrival order, instead of failing with SQLITE_BUSY.
   */
  private final ReentrantLock writeLock = new ReentrantLock(true);

  /** Set by a full disk: the WAL grew into the space that was left and is to be cut back. */
  private final AtomicBoolean walToTruncate = new AtomicBoolean();

  private EventDatabase(HikariDataSource pool, Path file, String description, Timeouts timeouts) {
    this.pool = pool;
    this.file = file;
    this.description = description;
    this.timeouts = timeouts;
  }

  /** Opens and migrates the store with the receiver's timeouts. */
  public static EventDatabase open(String location, String password) throws SQLException {
    return open(location, password, Timeouts.SERVE);
  }

  /**
   * Opens and migrates the store.
   *
   * @param location a {@code jdbc:postgresql://} URL, or the path of the SQLite file (created if
   *     missing)
   * @param password for PostgreSQL, if not in the URL; null otherwise
   */
  public static EventDatabase open(String location, String password, Timeouts timeouts)
      throws SQLException {
    HikariConfig config = new HikariConfig();
    config.setPoolName("regscope-events");
    // Fail fast when the database is down: the receiver answers 503 and the registry retries.
    config.setConnectionTimeout(timeouts.connect().toMillis());
    config.setValidationTimeout(Math.max(250, timeouts.connect().toMillis() * 2 / 3));
    config.setInitializationFailTimeout(-1);
    boolean sqlite = !location.startsWith("jdbc:");
    Path file = null;
    String description;
    if (sqlite) {
      file = Path.of(location).toAbsolutePath();
      try {
        Files.createDirectories(Objects.requireNonNull(file.getParent()));
      } catch (java.io.IOException e) {
        throw new SQLException("cannot create the folder of " + file + ": " + e.getMessage(), e);
      }
      config.setJdbcUrl("jdbc:sqlite:" + file);
      config.addDataSourceProperty("journal_mode", "WAL");
      config.addDataSourceProperty("synchronous", "FULL");
      config.addDataSourceProperty("busy_timeout", String.valueOf(timeouts.call().toMillis()));
      config.addDataSourceProperty("journal_size_limit", String.valueOf(JOURNAL_SIZE_LIMIT));
      config.addDataSourceProperty("foreign_keys", "true");
      config.setMaximumPoolSize(4);
      description = "SQLite " + file;
    } else if (location.startsWith("jdbc:postgresql:")) {
      config.setJdbcUrl(location);
      if (password != null) {
        config.setPassword(password);
      }
      // A server that stops answering (hung, SIGSTOPped, a dead network path) fails the call
      // instead of blocking a worker forever; the URL's own settings win.
      config.addDataSourceProperty("connectTimeout", seconds(timeouts.connect()));
      config.addDataSourceProperty("loginTimeout", seconds(timeouts.connect()));
      config.addDataSourceProperty("socketTimeout", seconds(timeouts.call()));
      config.addDataSourceProperty("tcpKeepAlive", "true");
      config.setMaximumPoolSize(10);
      description = "PostgreSQL " + location.replaceAll("password=[^&]*", "password=***");
    } else {
      throw new SQLException(
          "--events-db takes a file path or a jdbc:postgresql:// URL, not " + location);
    }
    config.setAutoCommit(true);
    HikariDataSource pool = new HikariDataSource(config);
    try {
      migrate(pool, sqlite);
    } catch (FlywayException e) {
      pool.close();
      throw new SQLException(
          "cannot migrate the event store "
              + description
              + ": "
              + e.getMessage().lines().findFirst().orElse(""),
          e);
    }
    return new EventDatabase(pool, file, description, timeouts);
  }

  private static String seconds(Duration duration) {
    return String.valueOf(Math.max(1, (duration.toMillis() + 999) / 1000));
  }

  private static void migrate(DataSource dataSource, boolean sqlite) {
    List<String> locations = new ArrayList<>(List.of("classpath:db/migration/common"));
    if (!sqlite) {
      locations.add("classpath:db/migration/postgresql"); // SQLite needs nothing of its own yet
    }
    Flyway.configure()
        .dataSource(dataSource)
        .locations(locations.toArray(String[]::new))
        .connectRetries(5)
        .load()
        .migrate();
  }

  public Connection connection() throws SQLException {
    return pool.getConnection();
  }

  /**
   * Drops a connection a failure may have left in a state no one should reuse (SQLite after a
   * failed commit), so the pool opens a fresh one.
   */
  void discard(Connection connection) {
    pool.evictConnection(connection);
  }

  public boolean isSqlite() {
    return file != null;
  }

  /** The SQLite file; empty for PostgreSQL. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  Timeouts timeouts() {
    return timeouts;
  }

  /**
   * Takes this process's write turn on SQLite (a no-op on PostgreSQL, which has row locks), waiting
   * at most the call timeout: a write that hangs must not hold every delivery after it forever.
   */
  void lockWrite() throws SQLException {
    if (file == null) {
      return;
    }
    try {
      if (!writeLock.tryLock(timeouts.call().toMillis(), TimeUnit.MILLISECONDS)) {
        throw new SQLTransientException(
            "the event store "
                + file
                + " is busy: another write has held it for over "
                + timeouts.call().toSeconds()
                + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLTransientException("interrupted while waiting to write the event store", e);
    }
  }

  /**
   * Ends this process's write turn; the first write that succeeds after a full disk then cuts the
   * WAL back, so the space freed on the volume stays free (the WAL otherwise keeps the size it grew
   * to, and on a small volume never reaches the size at which SQLite checkpoints by itself).
   */
  void unlockWrite(boolean committed) {
    if (file == null) {
      return;
    }
    writeLock.unlock();
    if (committed && walToTruncate.compareAndSet(true, false)) {
      truncateWal();
    }
  }

  /** A write failed because the disk is full. */
  void diskFull() {
    walToTruncate.set(true);
  }

  /** Moves what the WAL holds into the database file and truncates the WAL to nothing. */
  void truncateWal() {
    if (file == null) {
      return;
    }
    try (Connection c = connection();
        Statement s = c.createStatement()) {
      s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (SQLException e) {
      // best effort: the next checkpoint that resets the WAL truncates it to the limit
    }
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
