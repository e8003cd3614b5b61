package dev.regscope.testing;

import java.util.Objects;

/**
 * The {@code platform} of an index entry; {@link #toString()} is the {@code
 * os/architecture[/variant]} form.
 */
public record Platform(String os, String architecture, String variant) {

  /** What BuildKit writes for entries that are not runnable images, such as attestations. */
  public static final Platform UNKNOWN = new Platform("unknown", "unknown", null);

  public Platform {
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(architecture, "architecture");
    if (variant != null && variant.isEmpty()) {
      variant = null;
    }
  }

  /** Parses {@code linux/arm64/v8} or {@code linux/amd64}. */
  public static Platform of(String text) {
    String[] parts = text.split("/", -1);
    if (parts.length < 2 || parts.length > 3) {
      throw new IllegalArgumentException("not os/architecture[/variant]: " + text);
    }
    return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
  }

  @Override
  public String toString() {
    return os + "/" + architecture + (variant == null ? "" : "/" + variant);
  }
}
