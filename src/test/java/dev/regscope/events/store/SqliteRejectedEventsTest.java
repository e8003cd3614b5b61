package dev.regscope.events.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteRejectedEventsTest extends RejectedEventsContract {
  @TempDir Path dir;

  @Override
  EventDatabase open() throws SQLException {
    return EventDatabase.open(dir.resolve("events.db").toString(), null);
  }

  @Test
  void sqliteHoldsANulCharacterSoTheEventIsStored() throws Exception {
    assertThat(deliver(withNul()).message()).isEqualTo("stored 1, already stored 0");
    assertThat(rows("SELECT user_agent FROM events"))
        .containsExactly(List.of("skopeo\u0000/1.9.3"));
  }
}
