package dev.regscope.cli;

import dev.regscope.metrics.Exposition;
import dev.regscope.model.ScanState;
import dev.regscope.model.Snapshot;
import dev.regscope.report.ScanJson;
import dev.regscope.report.ScanTable;
import dev.regscope.report.TagTable;
import dev.regscope.scan.ScanSource;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code regscope scan SOURCE}: scan once and print a table, JSON, or the exact /metrics text. */
@Command(
    name = "scan",
    mixinStandardHelpOptions = true,
    description =
        "Scan a registry once, its storage folder or its HTTP API, and print what it holds.")
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

  enum Rows {
    repository,
    tag
  }

  @Option(
      names = "--by",
      description =
          "Rows of the table: repository or tag (default: tag for a registry URL, repository for a"
              + " storage folder)")
  Rows by;

  @Mixin ScanOptions options;

  @Mixin ApiOptions api;

  @Mixin RegistryAccessOptions access;

  @Override
  public Integer call() throws Exception {
    options.validate(spec);
    SourceArgument.Source parsed = source.parse(spec);
    ScanSource scanner = options.scanner(spec, parsed, Clock.systemUTC(), api, access);
    Snapshot snapshot = scanner.scan();
    PrintWriter out = spec.commandLine().getOut();
    Rows rows =
        by != null ? by : parsed instanceof SourceArgument.Registry ? Rows.tag : Rows.repository;
    switch (format) {
      case table -> {
        if (rows == Rows.tag) {
          TagTable.write(snapshot, out);
        } else {
          ScanTable.write(snapshot, out);
        }
        if (!scanner.costs().isEmpty()) {
          out.println(scanner.costs());
        }
      }
      case json -> {
        ScanJson.write(snapshot, out);
        out.println();
      }
      case prometheus ->
          Exposition.write(
              ScanState.EMPTY.after(snapshot).withApi(scanner.apiHealth()),
              options.seriesFilter(),
              out);
    }
    out.flush();
    return 0;
  }
}
