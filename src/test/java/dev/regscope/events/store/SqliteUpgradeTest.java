package dev.regscope.events.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteUpgradeTest extends UpgradeContract {
  @TempDir Path dir;

  @Override
  String freshDatabase() {
    return "jdbc:sqlite:" + dir.resolve("events.db");
  }

  @Override
  String location(String url) {
    return url.substring("jdbc:sqlite:".length());
  }
}
