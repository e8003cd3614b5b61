package dev.regscope.manifest;

import dev.regscope.core.Damage;

/** A manifest blob that cannot be summarised; carries the kind of damage and a one-line reason. */
public final class ManifestException extends Exception {
  private final Damage damage;

  public ManifestException(Damage damage, String message) {
    super(message);
    this.damage = damage;
  }

  public Damage damage() {
    return damage;
  }
}
