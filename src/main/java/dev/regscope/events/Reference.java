package dev.regscope.events;

import dev.regscope.core.Digest;

/**
 * A blob or child manifest a manifest references, as the event's {@code target.references} lists
 * it.
 */
public record Reference(Digest digest, String mediaType, long size) {}
