package dev.regscope.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What regscope logs (slf4j-simple writes to whatever {@code System.err} is when it logs) while a
 * test runs a block: the log is part of the contract where an operator must be told once.
 */
public final class CapturedLog implements AutoCloseable {
  private final PrintStream original = System.err;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  private CapturedLog() {
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
  }

  public static CapturedLog start() {
    return new CapturedLog();
  }

  /** The lines logged so far that contain {@code text}. */
  public synchronized List<String> lines(String text) {
    return captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains(text)).toList();
  }

  @Override
  public void close() {
    System.setErr(original);
    original.print(captured.toString(StandardCharsets.UTF_8));
  }
}
