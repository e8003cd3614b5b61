package dev.regscope.metrics;

import java.io.InputStream;

/**
 * A piece of the {@code /metrics} body, rendered once, as text and as gzip. Pieces are served one
 * after another: text concatenates, and so do gzip members, which a client reads as one stream.
 */
public interface ExpositionPart {
  /** The size in bytes of the form asked for. */
  long size(boolean gzip);

  /** The bytes of the form asked for; read from memory, so reading never waits. */
  InputStream open(boolean gzip);
}
