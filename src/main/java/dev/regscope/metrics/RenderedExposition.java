package dev.regscope.metrics;

import dev.regscope.model.ScanState;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The {@code /metrics} body of one published state, rendered and gzip-compressed once, so a scrape
 * costs a memory copy instead of a render. Very large expositions keep only the compressed form
 * (Prometheus always asks for gzip); a client that does not is answered by decompressing on the
 * fly.
 */
public final class RenderedExposition implements ExpositionPart {
  /**
   * Above this, the plain text is not kept in memory: at 100k tags it would be 24 MB beside 2 MB of
   * gzip.
   */
  static final long KEEP_PLAIN_UP_TO = 4L << 20;

  private final ChunkedBytes gzip;
  private final ChunkedBytes plain;
  private final long plainSize;

  private RenderedExposition(ChunkedBytes gzip, ChunkedBytes plain, long plainSize) {
    this.gzip = gzip;
    this.plain = plain;
    this.plainSize = plainSize;
  }

  public static RenderedExposition render(ScanState state, SeriesFilter filter) {
    return render(RegistryCollector.families(state, filter));
  }

  /** Renders any families, written once as text and gzip. */
  static RenderedExposition render(List<MetricFamilySamples> families) {
    ChunkedBytes gzip = new ChunkedBytes();
    Tee tee;
    try (GZIPOutputStream compressor = new FastGzip(gzip);
        Writer writer = new OutputStreamWriter(tee = new Tee(compressor), StandardCharsets.UTF_8)) {
      TextFormat.write004(writer, Collections.enumeration(families));
    } catch (IOException e) {
      throw new UncheckedIOException("rendering into memory cannot fail", e);
    }
    gzip.close();
    if (tee.plain != null) {
      tee.plain.close();
    }
    return new RenderedExposition(gzip, tee.plain, tee.count);
  }

  /** Size of the text exposition in bytes. */
  public long plainSize() {
    return plainSize;
  }

  public long gzipSize() {
    return gzip.size();
  }

  @Override
  public long size(boolean gzip) {
    return gzip ? gzipSize() : plainSize();
  }

  @Override
  public InputStream open(boolean gzip) {
    if (gzip) {
      return this.gzip.newInputStream();
    }
    if (plain != null) {
      return plain.newInputStream();
    }
    try {
      return new GZIPInputStream(this.gzip.newInputStream(), 1 << 16);
    } catch (IOException e) {
      throw new UncheckedIOException("our own gzip in memory cannot be unreadable", e);
    }
  }

  public void writeGzip(OutputStream out) throws IOException {
    gzip.writeTo(out);
  }

  public void writePlain(OutputStream out) throws IOException {
    if (plain != null) {
      plain.writeTo(out);
    } else {
      try (GZIPInputStream in = new GZIPInputStream(gzip.newInputStream(), 1 << 16)) {
        in.transferTo(out);
      }
    }
  }

  /**
   * gzip at the fastest level: the body is compressed once per scan, and it crosses a local
   * network.
   */
  private static final class FastGzip extends GZIPOutputStream {
    FastGzip(OutputStream out) throws IOException {
      super(out, 1 << 16);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }

  /** Passes the text to the compressor and keeps a plain copy while it is small enough. */
  private static final class Tee extends OutputStream {
    private final OutputStream compressor;
    ChunkedBytes plain = new ChunkedBytes();
    long count;

    Tee(OutputStream compressor) {
      this.compressor = compressor;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      compressor.write(b, off, len);
      count += len;
      if (plain != null) {
        if (count > KEEP_PLAIN_UP_TO) {
          plain = null;
        } else {
          plain.write(b, off, len);
        }
      }
    }

    @Override
    public void flush() throws IOException {
      compressor.flush();
    }

    @Override
    public void close() throws IOException {
      compressor.close();
    }
  }
}
