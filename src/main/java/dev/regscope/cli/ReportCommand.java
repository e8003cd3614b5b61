package dev.regscope.cli;

import dev.regscope.model.Snapshot;
import dev.regscope.report.HygieneReport;
import dev.regscope.report.HygieneReportJson;
import dev.regscope.report.HygieneReportText;
import dev.regscope.scan.ScanSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code regscope report PATH}: one screen an operator can act on. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description =
        "Scan a registry (its storage folder, or its HTTP API) and report what to clean up: largest"
            + " repositories, reclaimable space, broken tags, untagged manifests, stale uploads.")
public final class ReportCommand implements Callable<Integer> {
  enum Format {
    table,
    json
  }

  @Spec CommandSpec spec;

  @Mixin SourceArgument source;

  @Option(
      names = "--format",
      defaultValue = "table",
      description = "table or json (default: ${DEFAULT-VALUE})")
  Format format;

  @Mixin ScanOptions options;

  @Mixin ApiOptions api;

  @Mixin RegistryAccessOptions access;

  @Override
  public Integer call() throws Exception {
    options.validate(spec);
    SourceArgument.Source parsed = source.parse(spec);
    ScanSource scanner = options.scanner(spec, parsed, Clock.systemUTC(), api, access);
    Snapshot snapshot = withProgress(scanner, spec.commandLine().getErr());
    PrintWriter out = spec.commandLine().getOut();
    HygieneReport report = HygieneReport.of(snapshot);
    if (format == Format.json) {
      HygieneReportJson.write(report, out);
      out.println();
    } else {
      HygieneReportText.write(report, out);
    }
    out.flush();
    return 0;
  }

  /** Shows how far a long scan got, on stderr, only when a person is watching a terminal. */
  private static Snapshot withProgress(ScanSource scanner, PrintWriter err) throws IOException {
    if (System.console() == null) {
      return scanner.scan();
    }
    ScheduledExecutorService ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "regscope-progress");
              thread.setDaemon(true);
              return thread;
            });
    ticker.scheduleAtFixedRate(
        () -> {
          err.printf("\rscanning: %d repositories read", scanner.repositoriesScanned());
          err.flush();
        },
        500,
        250,
        TimeUnit.MILLISECONDS);
    try {
      return scanner.scan();
    } finally {
      ticker.shutdownNow();
      err.print("\r\033[K");
      err.flush();
    }
  }
}
