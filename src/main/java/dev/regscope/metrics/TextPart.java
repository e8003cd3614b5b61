package dev.regscope.metrics;

import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** A small piece of {@code /metrics} rendered in memory, as text and as its own gzip member. */
record TextPart(byte[] plain, byte[] gzip) implements ExpositionPart {
  static final TextPart EMPTY = new TextPart(new byte[0], new byte[0]);

  static TextPart render(List<MetricFamilySamples> families) {
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    try (Writer writer =
        new BufferedWriter(new OutputStreamWriter(plain, StandardCharsets.UTF_8), 1 << 16)) {
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
    return new TextPart(plain.toByteArray(), gzip.toByteArray());
  }

  /** This part, then {@code next}: gzip members concatenate into one valid gzip body. */
  TextPart followedBy(TextPart next) {
    return new TextPart(concat(plain, next.plain), concat(gzip, next.gzip));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = new byte[a.length + b.length];
    System.arraycopy(a, 0, both, 0, a.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  @Override
  public long size(boolean gzip) {
    return gzip ? this.gzip.length : plain.length;
  }

  @Override
  public InputStream open(boolean gzip) {
    return new ByteArrayInputStream(gzip ? this.gzip : plain);
  }
}
