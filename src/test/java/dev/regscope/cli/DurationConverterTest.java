package dev.regscope.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
  private final DurationConverter converter = new DurationConverter();

  @Test
  void prometheusStyleDurations() {
    assertThat(converter.convert("0")).isEqualTo(Duration.ZERO);
    assertThat(converter.convert("60s")).isEqualTo(Duration.ofSeconds(60));
    assertThat(converter.convert("90")).isEqualTo(Duration.ofSeconds(90));
    assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(converter.convert("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(converter.convert("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(converter.convert("7d")).isEqualTo(Duration.ofDays(7));
  }

  @Test
  void anythingElseIsRefusedNamingTheValue() {
    assertThatThrownBy(() -> converter.convert("-1s"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("-1s");
    assertThatThrownBy(() -> converter.convert("1.5m")).isInstanceOf(TypeConversionException.class);
    assertThatThrownBy(() -> converter.convert("1y")).isInstanceOf(TypeConversionException.class);
  }
}
