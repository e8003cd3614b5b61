package dev.regscope.metrics;

import dev.regscope.events.EventReceiver;
import dev.regscope.events.store.EventStatistics;
import dev.regscope.scan.RepositoryFilter;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event metrics, appended to {@code /metrics}. Read from the store (so counters survive
 * restarts and replicas sharing a database agree), but at most once per {@code maxAge} unless this
 * process stored events since: a scrape does not cost a query per tag every time. If the store
 * cannot be read, the last numbers stay.
 */
public final class EventExposition
    implements java.util.function.Supplier<EventExposition.Rendered> {
  private static final Logger LOG = LoggerFactory.getLogger(EventExposition.class);

  /**
   * Text and its gzip member: gzip members concatenate, so it follows the scan's gzip body as it
   * is.
   */
  public record Rendered(byte[] plain, byte[] gzip) implements ExpositionPart {
    @Override
    public long size(boolean gzip) {
      return gzip ? this.gzip.length : plain.length;
    }

    @Override
    public java.io.InputStream open(boolean gzip) {
      return new java.io.ByteArrayInputStream(gzip ? this.gzip : plain);
    }
  }

  private final EventStatistics statistics;
  private final EventReceiver receiver;
  private final RepositoryFilter repositories;
  private final SeriesFilter series;
  private final long maxAgeNanos;
  private EventStatistics.Totals totals =
      new EventStatistics.Totals(java.util.Map.of(), java.util.Map.of(), java.util.List.of());
  private Rendered rendered;
  private long renderedAt;
  private long renderedStored = -1;
  private long renderedErrors = -1;

  public EventExposition(
      EventStatistics statistics,
      EventReceiver receiver,
      RepositoryFilter repositories,
      SeriesFilter series,
      Duration maxAge) {
    this.statistics = statistics;
    this.receiver = receiver;
    this.repositories = repositories;
    this.series = series;
    this.maxAgeNanos = maxAge.toNanos();
  }

  @Override
  public Rendered get() {
    return current();
  }

  public synchronized Rendered current() {
    long now = System.nanoTime();
    boolean fresh =
        rendered != null
            && now - renderedAt < maxAgeNanos
            && renderedStored == receiver.stored()
            && renderedErrors == receiver.storeErrors();
    if (fresh) {
      return rendered;
    }
    long stored = receiver.stored();
    try {
      totals = statistics.read();
    } catch (SQLException e) {
      LOG.warn(
          "cannot read the event store for metrics, serving the last numbers: {}",
          String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }
    rendered = render(EventFamilies.families(totals, receiver.storeErrors(), repositories, series));
    renderedAt = now;
    renderedStored = stored;
    renderedErrors = receiver.storeErrors();
    return rendered;
  }

  private static Rendered render(
      java.util.List<io.prometheus.client.Collector.MetricFamilySamples> families) {
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    try (Writer writer = new OutputStreamWriter(plain, StandardCharsets.UTF_8)) {
      TextFormat.write004(writer, Collections.enumeration(families));
    } catch (IOException e) {
      throw new UncheckedIOException("rendering into memory cannot fail", e);
    }
    ByteArrayOutputStream gzip = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gzip)) {
      out.write(plain.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("compressing in memory cannot fail", e);
    }
    return new Rendered(plain.toByteArray(), gzip.toByteArray());
  }
}
