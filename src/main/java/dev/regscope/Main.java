package dev.regscope;

import dev.regscope.cli.ProbeCommand;
import dev.regscope.cli.QueryCommand;
import dev.regscope.cli.ReportCommand;
import dev.regscope.cli.SampleCommand;
import dev.regscope.cli.ScanCommand;
import dev.regscope.cli.ServeCommand;
import dev.regscope.cli.SuperviseCommand;
import dev.regscope.cli.UsageErrors;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line: {@code regscope serve|scan}. Wiring only; each command lives in {@code
 * dev.regscope.cli}.
 */
@Command(
    name = "regscope",
    mixinStandardHelpOptions = true,
    version = "regscope 0.1.0",
    description =
        "Shows what is inside a Docker Distribution registry's storage and whether it is healthy.",
    subcommands = {
      ServeCommand.class,
      ProbeCommand.class,
      ScanCommand.class,
      ReportCommand.class,
      QueryCommand.class,
      SampleCommand.class,
      SuperviseCommand.class
    })
public final class Main implements Runnable {
  public static void main(String[] args) {
    // UTF-8 whatever the locale, as Java 18+ does by default (JEP 400).
    System.exit(run(args, utf8(System.out), utf8(System.err)));
  }

  private static PrintWriter utf8(OutputStream out) {
    return new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
  }

  /**
   * Runs a command and returns its exit code: 0 done, 1 failed, 2 bad usage or a path that is not a
   * registry.
   */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    // A usage error is one line naming the value and a hint, not the usage screen: it is what a
    // misconfigured sidecar logs.
    UsageErrors.install(cli, err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          err.println("regscope: " + e.getMessage());
          return 1;
        });
    return cli.execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        new CommandLine(this), "missing command: serve, probe, scan, report or query");
  }
}
