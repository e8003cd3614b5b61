package dev.regscope.bench;

import dev.regscope.sample.SampleRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sample registry trees for the serve benchmarks, written once into the bench folder and reused.
 */
final class Trees {
  private Trees() {}

  /** {@code dir/serve-tree-N}, as {@code regscope sample-registry --tags N} writes it. */
  static Path sample(Path dir, int tags) throws IOException {
    Path root = dir.resolve("serve-tree-" + tags);
    Path done = dir.resolve("serve-tree-" + tags + ".done");
    if (Files.exists(done)) {
      return root;
    }
    if (Files.exists(root)) {
      throw new IllegalStateException(root + " is left from an interrupted run: remove it");
    }
    Files.createDirectories(dir);
    long start = System.nanoTime();
    SampleRegistry.write(root, SampleRegistry.Spec.forTags(tags, 42));
    Files.writeString(done, "");
    System.out.printf(
        "wrote %,d tags into %s in %.1f s%n", tags, root, (System.nanoTime() - start) / 1e9);
    return root;
  }
}
