package dev.regscope.cli;

import dev.regscope.metrics.Exposition;
import dev.regscope.model.ScanState;
import dev.regscope.model.Snapshot;
import dev.regscope.report.ScanJson;
import dev.regscope.report.ScanTable;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code regscope scan PATH}: scan once and print a table, JSON, or the exact /metrics text. */
@Command(
    name = "scan",
    mixinStandardHelpOptions = true,
    description = "Scan a registry storage folder once and print what it holds.")
public final class ScanCommand implements Callable<Integer> {
  enum Format {
    table,
    json,
    prometheus
  }

  @Spec CommandSpec spec;

  @Mixin SourceArgument source;

  @Option(
      names = "--format",
      defaultValue = "table",
      description = "table, json or prometheus (default: ${DEFAULT-VALUE})")
  Format format;

  @Mixin ScanOptions options;

  @Override
  public Integer call() throws Exception {
    options.validate(spec);
    Snapshot snapshot = options.scanner(spec, source.parse(spec), Clock.systemUTC()).scan();
    PrintWriter out = spec.commandLine().getOut();
    switch (format) {
      case table -> ScanTable.write(snapshot, out);
      case json -> {
        ScanJson.write(snapshot, out);
        out.println();
      }
      case prometheus ->
          Exposition.write(ScanState.EMPTY.after(snapshot), options.seriesFilter(), out);
    }
    out.flush();
    return 0;
  }
}
