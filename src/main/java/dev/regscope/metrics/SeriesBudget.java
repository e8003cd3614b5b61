package dev.regscope.metrics;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns once when a scan's tag-level series pass {@code --tag-series-budget}: past it, a default
 * Prometheus spends seconds per scrape and gigabytes of memory on regscope alone.
 */
public final class SeriesBudget {
  private static final Logger LOG = LoggerFactory.getLogger("dev.regscope.metrics");

  /** Never warns. */
  public static final SeriesBudget NONE = new SeriesBudget(0);

  private final long limit;
  private final AtomicBoolean warned = new AtomicBoolean();

  /** {@code limit} tag-level series; 0 never warns. */
  public SeriesBudget(long limit) {
    this.limit = limit;
  }

  /** The warning for these counts, if they pass the budget and none was given yet. */
  public Optional<String> check(Map<TagFamily, Long> tagSeries) {
    long total = tagSeries.values().stream().mapToLong(Long::longValue).sum();
    if (limit == 0 || total <= limit || !warned.compareAndSet(false, true)) {
      return Optional.empty();
    }
    String families =
        tagSeries.entrySet().stream()
            .filter(e -> e.getValue() > 0)
            .map(e -> e.getKey().label() + " " + e.getValue())
            .collect(Collectors.joining(", "));
    String message =
        "tag-level series: "
            + total
            + " ("
            + families
            + ") pass --tag-series-budget "
            + limit
            + "; each costs Prometheus about 2-5 kB of memory and scrape time, so export fewer"
            + " families (--tag-metrics layers,size) or fewer tags (--include-tag/--exclude-tag),"
            + " or raise --tag-series-budget if your Prometheus is sized for it"
            + " (docs/performance.md#tag-level-series)";
    LOG.warn("{}", message);
    return Optional.of(message);
  }
}
