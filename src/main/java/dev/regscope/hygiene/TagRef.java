package dev.regscope.hygiene;

import dev.regscope.core.Digest;

/**
 * A tag as the collector sees it: its name, the manifest its {@code current/link} names, and
 * whether the registry already cannot serve it (a missing or unreadable manifest, a child missing,
 * a manifest or child that is no revision of the repository).
 */
public record TagRef(String name, Digest digest, boolean broken) {}
