package dev.regscope.metrics;

import dev.regscope.model.ScanState;
import java.util.function.Consumer;

/**
 * Renders each newly published state once, right after its scan, and hands the rendering to every
 * scrape until the next one.
 */
public final class ExpositionPublisher
    implements Consumer<ScanState>, java.util.function.Supplier<RenderedExposition> {
  private record Published(ScanState state, RenderedExposition exposition) {}

  private final SeriesFilter filter;
  private final SeriesBudget budget;
  private volatile Published current;

  public ExpositionPublisher(SeriesFilter filter) {
    this(filter, SeriesBudget.NONE);
  }

  /** Warns through {@code budget} after the first scan whose tag-level series pass it. */
  public ExpositionPublisher(SeriesFilter filter, SeriesBudget budget) {
    this.filter = filter;
    this.budget = budget;
    this.current =
        new Published(ScanState.EMPTY, RenderedExposition.render(ScanState.EMPTY, filter));
  }

  /** Called by the scan thread after each scan. */
  @Override
  public synchronized void accept(ScanState state) {
    if (state != current.state()) {
      current = new Published(state, RenderedExposition.render(state, filter));
      budget.check(current.exposition().tagSeries());
    }
  }

  @Override
  public RenderedExposition get() {
    return exposition();
  }

  public RenderedExposition exposition() {
    return current.exposition();
  }

  /** The state {@code /metrics} serves now. */
  public ScanState state() {
    return current.state();
  }
}
