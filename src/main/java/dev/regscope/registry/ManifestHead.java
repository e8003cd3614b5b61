package dev.regscope.registry;

import dev.regscope.core.Digest;

/** What a manifest {@code HEAD} says: the digest, media type and size, without the body. */
public record ManifestHead(Digest digest, String mediaType, long size) {}
