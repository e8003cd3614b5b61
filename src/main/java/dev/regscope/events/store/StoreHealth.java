package dev.regscope.events.store;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The store's own health: its size, its oldest event, and for SQLite the volume it fills.
 *
 * @param sizeBytes SQLite: the database file with its WAL and shared-memory files; PostgreSQL:
 *     {@code pg_database_size}
 * @param oldestMillis when the oldest event kept happened; null when none is kept
 * @param volumeAvailableBytes what a new file can still take on the SQLite file's volume; null for
 *     PostgreSQL, whose disk regscope cannot see
 * @param volumeSizeBytes that volume's size; null for PostgreSQL
 */
public record StoreHealth(
    long sizeBytes, Long oldestMillis, Long volumeAvailableBytes, Long volumeSizeBytes) {

  static StoreHealth read(Connection c, EventDatabase database) throws SQLException {
    Long oldest = Sql.number(c, -1, "SELECT MIN(occurred_at) FROM events");
    if (oldest < 0) {
      oldest = null;
    }
    if (database.file().isEmpty()) {
      long size = Sql.number(c, 0, "SELECT pg_database_size(current_database())");
      return new StoreHealth(size, oldest, null, null);
    }
    Path file = database.file().get();
    long size = 0;
    for (String suffix : new String[] {"", "-wal", "-shm"}) {
      size += sizeOf(file.resolveSibling(file.getFileName() + suffix));
    }
    try {
      FileStore volume = Files.getFileStore(file);
      return new StoreHealth(size, oldest, volume.getUsableSpace(), volume.getTotalSpace());
    } catch (IOException e) {
      return new StoreHealth(size, oldest, null, null);
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (NoSuchFileException e) {
      return 0; // no WAL between checkpoints that removed it
    } catch (IOException e) {
      return 0;
    }
  }
}
