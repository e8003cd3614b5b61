package dev.regscope.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The log lines regscope writes while a test runs: slf4j-simple writes to whatever {@code
 * System.err} is at the time, so it is replaced by a copy that also keeps what passes; {@link
 * #close()} puts it back.
 */
public final class LogCapture implements AutoCloseable {
  private final PrintStream original;
  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  private int mark;

  private LogCapture() {
    this.original = System.err;
    OutputStream tee =
        new OutputStream() {
          @Override
          public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            synchronized (kept) {
              kept.write(b, off, len);
            }
            original.write(b, off, len);
          }
        };
    System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
  }

  public static LogCapture start() {
    return new LogCapture();
  }

  /** Lines from now on only. */
  public LogCapture mark() {
    mark = all().size();
    return this;
  }

  /** The lines written since the mark. */
  public List<String> lines() {
    List<String> all = all();
    return List.copyOf(all.subList(Math.min(mark, all.size()), all.size()));
  }

  /** The warnings and errors written since the mark: what an operator's alerting reads. */
  public List<String> warnings() {
    return lines().stream().filter(l -> l.contains("[WARN]") || l.contains("[ERROR]")).toList();
  }

  private List<String> all() {
    String text;
    synchronized (kept) {
      text = kept.toString(StandardCharsets.UTF_8);
    }
    return text.isEmpty() ? List.of() : List.of(text.split("\n"));
  }

  @Override
  public void close() {
    System.setErr(original);
  }
}
