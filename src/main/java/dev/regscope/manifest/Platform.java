package dev.regscope.manifest;

import java.util.Objects;

/**
 * The platform of an index child, rendered as {@code os/architecture[/variant]}, and for Windows
 * with its {@code os.version} appended: a Windows manifest list holds one {@code windows/amd64}
 * child per OS build, which only the version tells apart.
 */
public record Platform(String os, String architecture, String variant, String osVersion) {
  /** The label used for an index child that declares no platform. */
  public static final String UNDECLARED = "unknown";

  public Platform {
    Objects.requireNonNull(os);
    Objects.requireNonNull(architecture);
  }

  public Platform(String os, String architecture, String variant) {
    this(os, architecture, variant, null);
  }

  @Override
  public String toString() {
    StringBuilder label = new StringBuilder(os).append('/').append(architecture);
    if (variant != null && !variant.isEmpty()) {
      label.append('/').append(variant);
    }
    if (os.equals("windows") && osVersion != null && !osVersion.isEmpty()) {
      label.append('/').append(osVersion);
    }
    return label.toString();
  }
}
