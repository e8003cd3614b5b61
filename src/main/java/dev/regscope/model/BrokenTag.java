package dev.regscope.model;

import dev.regscope.core.Damage;
import dev.regscope.core.Digest;

/**
 * A tag the registry cannot serve: its manifest, or a child of it, is missing, unreadable or not a
 * revision of the tag's repository. It has no layers or size.
 *
 * @param digest what its {@code current/link} names; null when the link is missing or unreadable
 * @param mediaType the media type of that manifest's blob; null when the blob cannot be parsed
 */
public record BrokenTag(String name, Damage reason, Digest digest, String mediaType) {
  public BrokenTag(String name, Damage reason) {
    this(name, reason, null, null);
  }
}
