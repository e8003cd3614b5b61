package dev.regscope.model;

/** The two ways registry 2.8's {@code garbage-collect} runs; the {@code mode} label. */
public enum GcMode {
  /** {@code garbage-collect}: blobs no revision of any repository references. */
  UNREFERENCED("unreferenced"),
  /** {@code garbage-collect --delete-untagged}: also what no tag keeps. */
  UNTAGGED("untagged");

  private final String label;

  GcMode(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
