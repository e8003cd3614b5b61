package dev.regscope.probe;

/** The four tests, named as Konflux's registry exporter names them in its {@code type} label. */
public enum ProbeType {
  AUTHENTICATION("authentication"),
  PULL("pull"),
  PUSH("push"),
  METADATA("metadata");

  private final String label;

  ProbeType(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
