package dev.regscope.model;

import dev.regscope.core.Digest;
import java.util.List;

/** The blobs a garbage collection would delete, and the bytes of their files on disk. */
public record Reclaimable(List<Digest> blobs, long bytes) {
  public static final Reclaimable NONE = new Reclaimable(List.of(), 0);

  public Reclaimable {
    blobs = List.copyOf(blobs);
  }
}
