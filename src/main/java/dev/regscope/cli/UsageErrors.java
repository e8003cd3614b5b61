package dev.regscope.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * A usage error as a sidecar's log shows it: one line naming the value, then where the usage is
 * ({@code see 'regscope serve --help'}), exit code 2; never the usage screen itself.
 */
public final class UsageErrors implements IParameterExceptionHandler {
  private final PrintWriter err;

  private UsageErrors(PrintWriter err) {
    this.err = err;
  }

  /** Installs the handler and the converters whose messages are one line on {@code cli}. */
  public static void install(CommandLine cli, PrintWriter err) {
    cli.registerConverter(Pattern.class, UsageErrors::pattern);
    cli.setParameterExceptionHandler(new UsageErrors(err));
  }

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    err.println("regscope: " + line(e));
    err.println("see '" + command.getCommandSpec().qualifiedName() + " --help'");
    err.flush();
    return 2;
  }

  /** The one line: picocli's message where it names the value, rephrased where it does not. */
  static String line(ParameterException e) {
    if (e instanceof UnmatchedArgumentException unmatched) {
      return unmatched(unmatched);
    }
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    ArgSpec arg = e.getArgSpec();
    Throwable cause = e.getCause();
    if (arg != null && cause != null && message.startsWith("Invalid value for ")) {
      String reason =
          cause instanceof TypeConversionException ? cause.getMessage() : cause.toString();
      String value = e.getValue();
      String name = arg instanceof OptionSpec option ? option.longestName() : arg.paramLabel();
      message =
          value == null || reason.contains("'" + value + "'")
              ? name + ": " + reason
              : name + " '" + value + "': " + reason;
    }
    return oneLine(message);
  }

  private static String unmatched(UnmatchedArgumentException e) {
    List<String> args = e.getUnmatched();
    String first = args.isEmpty() ? "" : args.get(0);
    if (!first.startsWith("-")) {
      return "unexpected argument '" + first + "'";
    }
    String option = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
    List<String> suggestions = e.getSuggestions();
    if (suggestions.isEmpty()) {
      return "unknown option " + option;
    }
    // picocli ranks by similarity: the first is the one meant.
    return "unknown option " + option + "; did you mean " + suggestions.get(0) + "?";
  }

  static String oneLine(String message) {
    return message.strip().replaceAll("\\s*\\R\\s*", "; ");
  }

  /** A regular expression, or a one-line reason naming where it does not compile. */
  private static Pattern pattern(String value) {
    try {
      return Pattern.compile(value);
    } catch (PatternSyntaxException e) {
      String where = e.getIndex() >= 0 ? " at index " + e.getIndex() : "";
      throw new TypeConversionException("not a regular expression: " + e.getDescription() + where);
    }
  }
}
