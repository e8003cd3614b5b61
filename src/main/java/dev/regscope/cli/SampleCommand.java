package dev.regscope.cli;

import dev.regscope.sample.SampleRegistry;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code regscope sample-registry DIR}: writes a small synthetic registry tree to try regscope on.
 */
@Command(
    name = "sample-registry",
    hidden = true,
    mixinStandardHelpOptions = true,
    description = "Write a synthetic registry storage tree into an empty or new folder.")
public final class SampleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "DIR",
      description = "Empty or new folder to write the storage root into.")
  Path target;

  @Option(
      names = "--tags",
      description =
          "Write a benchmark-sized tree of about this many tags instead of the small sample.")
  Integer tags;

  @Option(names = "--seed", defaultValue = "42")
  long seed;

  @Override
  public Integer call() throws Exception {
    SampleRegistry.write(
        target, tags == null ? SampleRegistry.Spec.SMALL : SampleRegistry.Spec.forTags(tags, seed));
    spec.commandLine().getOut().println("wrote a sample registry to " + target);
    return 0;
  }
}
