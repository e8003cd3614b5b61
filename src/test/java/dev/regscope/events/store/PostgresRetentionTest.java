package dev.regscope.events.store;

import dev.regscope.testing.PostgresProcess;
import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

class PostgresRetentionTest extends RetentionContract {
  @TempDir static Path pgDir;
  static PostgresProcess postgres;

  @BeforeAll
  static void startPostgres() {
    postgres = PostgresProcess.start(pgDir, false);
  }

  @AfterAll
  static void stopPostgres() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  EventDatabase open() throws SQLException {
    return EventDatabase.open(postgres.newDatabase(), null);
  }
}
