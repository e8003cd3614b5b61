package dev.regscope.events.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regscope.events.EventReceiver;
import dev.regscope.testing.PostgresProcess;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(300)
class PostgresRejectedEventsTest extends RejectedEventsContract {
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

  @Test
  void aValuePostgresCannotHoldIsSetAsideWhileTheRestOfItsDeliveryIsStored() throws Exception {
    ObjectNode poison = withNul();
    ObjectNode good = fixtureEvent(4);

    EventReceiver.Answer first = deliver(good, poison);
    EventReceiver.Answer again = deliver(good, poison); // a redelivery adds nothing

    assertThat(first.status()).as(first.message()).isEqualTo(200);
    assertThat(first.message()).isEqualTo("stored 1, already stored 0, set aside 1");
    assertThat(again.message()).isEqualTo("stored 0, already stored 1");
    assertThat(rows("SELECT id FROM events")).containsExactly(List.of(good.get("id").asText()));
    List<List<String>> kept = rows("SELECT event_key, reason, error, body FROM rejected_events");
    assertThat(kept).hasSize(1);
    assertThat(kept.get(0).subList(0, 2)).containsExactly(poison.get("id").asText(), "database");
    assertThat(kept.get(0).get(2)).startsWith("the database refused it: ").contains("0x00");
    assertThat(JSON.readTree(kept.get(0).get(3))).isEqualTo(poison);
  }
}
