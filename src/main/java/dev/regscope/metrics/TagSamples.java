package dev.regscope.metrics;

import dev.regscope.model.RepositoryStats;
import dev.regscope.model.Snapshot;
import dev.regscope.model.TagStats;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import io.prometheus.client.Collector.Type;
import java.util.AbstractList;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Tag-level samples made while the exposition is written instead of held in lists: at a million
 * tags the held samples of the tag-level families took more than a gigabyte for a moment after each
 * scan, where the snapshot itself takes a few hundred megabytes. The exposition writer only
 * iterates; {@link #get} and {@link #size} walk the samples again, for tests.
 */
final class TagSamples extends AbstractList<Sample> {
  private final Supplier<Stream<Sample>> samples;

  private TagSamples(Supplier<Stream<Sample>> samples) {
    this.samples = samples;
  }

  /**
   * A family with one sample per exported tag (or more, or none: {@code perTag} returns a stream
   * for each), made from the snapshot each time it is iterated.
   */
  static MetricFamilySamples family(
      TagFamily family,
      String name,
      String help,
      Snapshot snapshot,
      SeriesFilter filter,
      BiFunction<RepositoryStats, TagStats, Stream<Sample>> perTag) {
    return perRepository(
        name,
        help,
        snapshot,
        repository ->
            repository.tags().stream()
                .filter(tag -> filter.exports(family, tag.name()))
                .flatMap(tag -> perTag.apply(repository, tag)));
  }

  /**
   * A family whose samples {@code perRepository} makes for each repository (it applies the tag
   * filter itself), made from the snapshot each time it is iterated.
   */
  static MetricFamilySamples perRepository(
      String name,
      String help,
      Snapshot snapshot,
      Function<RepositoryStats, Stream<Sample>> perRepository) {
    return new MetricFamilySamples(
        name,
        Type.GAUGE,
        help,
        new TagSamples(() -> snapshot.repositories().stream().flatMap(perRepository)));
  }

  /** One sample of {@code name} with these labels. */
  static Stream<Sample> sample(
      String name, List<String> labelNames, List<String> labels, double value) {
    return Stream.of(new Sample(name, labelNames, labels, value));
  }

  @Override
  public Iterator<Sample> iterator() {
    return samples.get().iterator();
  }

  @Override
  public Sample get(int index) {
    return samples
        .get()
        .skip(index)
        .findFirst()
        .orElseThrow(() -> new IndexOutOfBoundsException(index));
  }

  @Override
  public int size() {
    return (int) samples.get().count();
  }
}
