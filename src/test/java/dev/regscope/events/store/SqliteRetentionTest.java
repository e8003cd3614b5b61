package dev.regscope.events.store;

import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.io.TempDir;

class SqliteRetentionTest extends RetentionContract {
  @TempDir Path dir;

  @Override
  EventDatabase open() throws SQLException {
    return EventDatabase.open(dir.resolve("events.db").toString(), null);
  }
}
