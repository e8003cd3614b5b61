package dev.regscope.model;

import java.util.List;

/**
 * Why the garbage-collection preview of one mode is not a number of blobs this scan, with what
 * causes it (a repository or a path, and what is wrong there).
 */
public record Withheld(GcMode mode, Reason reason, List<Cause> causes) {
  public Withheld {
    causes = List.copyOf(causes);
  }

  /** The {@code reason} label of {@code regscope_gc_preview_withheld}. */
  public enum Reason {
    /** Part of the blob store could not be listed: what is absent is unknown. */
    BLOB_STORE_UNREADABLE("blob_store_unreadable"),
    /** A repository's revisions, tags or a tag's link could not be read (not: were absent). */
    LINKS_UNREADABLE("links_unreadable"),
    /**
     * A manifest the collector marks cannot be parsed by regscope, in a way 2.8 may still read:
     * what it references is unknown.
     */
    MANIFEST_UNREADABLE("manifest_unreadable"),
    /** Registry 2.8's collector would exit with an error before deleting anything. */
    COLLECTOR_ABORTS("collector_aborts");

    private final String label;

    Reason(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** One thing behind a withheld preview: the repository (or path) and what is wrong there. */
  public record Cause(String where, String what) {}
}
