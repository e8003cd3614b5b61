package dev.regscope.metrics;

import dev.regscope.model.ScanState;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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
  private final Map<TagFamily, Long> tagSeries;

  private RenderedExposition(
      ChunkedBytes gzip, ChunkedBytes plain, long plainSize, Map<TagFamily, Long> tagSeries) {
    this.gzip = gzip;
    this.plain = plain;
    this.plainSize = plainSize;
    this.tagSeries = tagSeries;
  }

  public static RenderedExposition render(ScanState state, SeriesFilter filter) {
    return render(RegistryCollector.families(state, filter));
  }

  /** Renders any families, written once as text and gzip. */
  static RenderedExposition render(List<MetricFamilySamples> families) {
    ChunkedBytes gzip = new ChunkedBytes();
    Tee tee;
    long[] counts = new long[TagFamily.values().length];
    try (GZIPOutputStream compressor = new FastGzip(gzip);
        // Buffered: the text format writes each name, label and value as its own small string,
        // and an unbuffered encoder allocated two arrays for each (60% of a rescan's garbage).
        Writer writer =
            new BufferedWriter(
                new OutputStreamWriter(tee = new Tee(compressor), StandardCharsets.UTF_8),
                1 << 16)) {
      TextFormat.write004(writer, Collections.enumeration(counted(families, counts)));
    } catch (IOException e) {
      throw new UncheckedIOException("rendering into memory cannot fail", e);
    }
    gzip.close();
    if (tee.plain != null) {
      tee.plain.close();
    }
    Map<TagFamily, Long> tagSeries = new EnumMap<>(TagFamily.class);
    for (MetricFamilySamples family : families) {
      TagFamily.of(family.name).ifPresent(f -> tagSeries.put(f, counts[f.ordinal()]));
    }
    return new RenderedExposition(
        gzip, tee.plain, tee.count, Collections.unmodifiableMap(tagSeries));
  }

  /**
   * The families, the tag-level ones counting their samples into {@code counts} as the writer walks
   * them, so counting costs no second walk.
   */
  private static List<MetricFamilySamples> counted(
      List<MetricFamilySamples> families, long[] counts) {
    List<MetricFamilySamples> out = new ArrayList<>(families.size());
    for (MetricFamilySamples family : families) {
      out.add(
          TagFamily.of(family.name)
              .map(
                  tagFamily ->
                      new MetricFamilySamples(
                          family.name,
                          family.unit,
                          family.type,
                          family.help,
                          new Counting(family.samples, tagFamily, counts)))
              .orElse(family));
    }
    return out;
  }

  /** Tag-level series written, by family (0 for a family written without samples). */
  public Map<TagFamily, Long> tagSeries() {
    return tagSeries;
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

  /** A family's samples that count themselves as they are iterated. */
  private static final class Counting extends AbstractList<Sample> {
    private final List<Sample> samples;
    private final TagFamily family;
    private final long[] counts;

    Counting(List<Sample> samples, TagFamily family, long[] counts) {
      this.samples = samples;
      this.family = family;
      this.counts = counts;
    }

    @Override
    public Iterator<Sample> iterator() {
      Iterator<Sample> inner = samples.iterator();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return inner.hasNext();
        }

        @Override
        public Sample next() {
          Sample next = inner.next();
          counts[family.ordinal()]++;
          return next;
        }
      };
    }

    @Override
    public Sample get(int index) {
      return samples.get(index);
    }

    @Override
    public int size() {
      return samples.size();
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
