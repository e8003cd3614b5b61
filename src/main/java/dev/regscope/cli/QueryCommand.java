package dev.regscope.cli;

import dev.regscope.events.store.EventDatabase;
import dev.regscope.events.store.EventQueries;
import dev.regscope.events.store.QueryResult;
import dev.regscope.model.RepositoryStats;
import dev.regscope.model.Snapshot;
import dev.regscope.model.TagStats;
import dev.regscope.report.QueryTable;
import dev.regscope.scan.RepositoryFilter;
import dev.regscope.scan.Scanner;
import dev.regscope.storage.InvalidStorageRootException;
import dev.regscope.storage.NioTreeReader;
import dev.regscope.storage.StorageLayout;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code regscope query NAME}: what the event store knows, joined with a scan for sizes. */
@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    description =
        "Ask the event store: images, stale, old, most-tagged, orphan-blobs, missing-blobs, deleted,"
            + " traffic.")
public final class QueryCommand implements Callable<Integer> {
  enum Format {
    table,
    json
  }

  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "NAME",
      description =
          "images | stale | old | most-tagged | orphan-blobs | missing-blobs | deleted | traffic")
  String name;

  @Mixin EventOptions events;

  @Option(
      names = "--format",
      defaultValue = "table",
      description = "table or json (default: ${DEFAULT-VALUE})")
  Format format;

  @Option(
      names = "--older-than",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "old: pushed before this long ago; orphan-blobs: pushed before (skips pushes in progress)")
  Duration olderThan;

  @Option(
      names = "--not-pulled-for",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description = "stale: neither pulled nor pushed for this long")
  Duration notPulledFor;

  @Option(
      names = "--since",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "traffic: the UTC days from the one this long ago to today (default: all history)")
  Duration since;

  @Option(names = "--limit", defaultValue = "0", description = "At most this many rows; 0 for all")
  int limit;

  @Option(
      names = "--storage",
      paramLabel = "PATH",
      description =
          "Registry storage to scan for tag sizes (images and stale list them, stale sorts by them)")
  Path storage;

  @Override
  public Integer call() throws Exception {
    if (!events.enabled()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "query needs --events-db");
    }
    EventQueries.Name query;
    try {
      query = EventQueries.Name.of(name);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    if (query == EventQueries.Name.STALE && notPulledFor == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "stale needs --not-pulled-for, e.g. 180d");
    }
    if (query == EventQueries.Name.OLD && olderThan == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "old needs --older-than, e.g. 90d");
    }
    if (limit < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--limit must be 0 or more: " + limit);
    }
    EventQueries.TagSizes sizes = sizes(query);
    QueryResult result;
    try (EventDatabase database = events.open(spec, EventDatabase.Timeouts.QUERY, false)) {
      result =
          new EventQueries(database, Clock.systemUTC())
              .run(
                  query,
                  new EventQueries.Options(olderThan, notPulledFor, limit, events.registry, since),
                  sizes);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (format == Format.json) {
      QueryTable.writeJson(result, out);
    } else {
      QueryTable.writeTable(result, out);
    }
    out.flush();
    return 0;
  }

  private EventQueries.TagSizes sizes(EventQueries.Name query) throws IOException {
    if (storage == null
        || (query != EventQueries.Name.IMAGES && query != EventQueries.Name.STALE)) {
      return EventQueries.TagSizes.NONE;
    }
    StorageLayout layout;
    try {
      layout = StorageLayout.locate(storage);
    } catch (InvalidStorageRootException e) {
      throw new SourceArgument.BadSource(spec.commandLine(), e.getMessage());
    }
    Snapshot snapshot =
        new Scanner(
                layout,
                new NioTreeReader(layout.root()),
                Clock.systemUTC(),
                problem -> {},
                16,
                RepositoryFilter.ALL)
            .scan();
    Map<String, Long> bytes = new HashMap<>();
    for (RepositoryStats repository : snapshot.repositories()) {
      for (TagStats tag : repository.tags()) {
        bytes.put(repository.name() + ":" + tag.name(), tag.sizeBytes());
      }
    }
    return (repository, tag) -> bytes.get(repository + ":" + tag);
  }
}
