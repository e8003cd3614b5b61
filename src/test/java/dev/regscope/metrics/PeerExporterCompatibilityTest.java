package dev.regscope.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.model.ScanState;
import dev.regscope.scan.Scanner;
import dev.regscope.storage.NioTreeReader;
import dev.regscope.storage.StorageLayout;
import dev.regscope.testing.PromText;
import dev.regscope.testing.Scans;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The older Python exporter's own integration fixture gives, scanned by regscope, every value that
 * exporter's test expects (copied from shared/fixtures: a tiny tree with short fake hex digests).
 */
class PeerExporterCompatibilityTest {
  private static final Path FIXTURE = Path.of("src/test/resources/peer-sky-uk");

  @Test
  void everyExpectedSeriesHasTheExpectedValue() throws Exception {
    StorageLayout layout = StorageLayout.locate(FIXTURE.resolve("tree"));
    var snapshot = new Scanner(layout, new NioTreeReader(), Scans.CLOCK, p -> {}).scan();
    StringWriter text = new StringWriter();
    Exposition.write(ScanState.EMPTY.after(snapshot), text);

    Map<String, Double> expected =
        PromText.parse(Files.readString(FIXTURE.resolve("expected.prom")));
    Map<String, Double> actual = PromText.parse(text.toString());

    assertThat(expected).hasSize(12);
    assertThat(actual).containsAllEntriesOf(expected);
    assertThat(snapshot.problems()).isEmpty();
  }
}
