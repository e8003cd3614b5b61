package dev.regscope.model;

import dev.regscope.core.Damage;

/** A tag whose manifest, or a child of it, is missing or unreadable: it has no layers or size. */
public record BrokenTag(String name, Damage reason) {}
