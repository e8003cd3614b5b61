package dev.regscope.testing;

import java.util.Objects;

/**
 * The {@code platform} of an index entry; {@link #toString()} is the {@code
 * os/architecture[/variant]} form. {@code osVersion} is written as {@code os.version} (Windows
 * images carry one per OS build).
 */
public record Platform(String os, String architecture, String variant, String osVersion) {

  /** What BuildKit writes for entries that are not runnable images, such as attestations. */
  public static final Platform UNKNOWN = new Platform("unknown", "unknown", null);

  public Platform {
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(architecture, "architecture");
    if (variant != null && variant.isEmpty()) {
      variant = null;
    }
  }

  public Platform(String os, String architecture, String variant) {
    this(os, architecture, variant, null);
  }

  /** Parses {@code linux/arm64/v8} or {@code linux/amd64}. */
  public static Platform of(String text) {
    String[] parts = text.split("/", -1);
    if (parts.length < 2 || parts.length > 3) {
      throw new IllegalArgumentException("not os/architecture[/variant]: " + text);
    }
    return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
  }

  /** {@code windows/amd64} of one OS build, such as {@code 10.0.17763.5576}. */
  public static Platform windows(String osVersion) {
    return new Platform("windows", "amd64", null, osVersion);
  }

  @Override
  public String toString() {
    return os + "/" + architecture + (variant == null ? "" : "/" + variant);
  }
}
