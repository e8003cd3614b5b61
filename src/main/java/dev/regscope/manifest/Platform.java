package dev.regscope.manifest;

import java.util.Objects;

/** The platform of an index child, rendered as {@code os/architecture[/variant]}. */
public record Platform(String os, String architecture, String variant) {
  /** The label used for an index child that declares no platform. */
  public static final String UNDECLARED = "unknown";

  public Platform {
    Objects.requireNonNull(os);
    Objects.requireNonNull(architecture);
  }

  @Override
  public String toString() {
    return variant == null || variant.isEmpty()
        ? os + "/" + architecture
        : os + "/" + architecture + "/" + variant;
  }
}
