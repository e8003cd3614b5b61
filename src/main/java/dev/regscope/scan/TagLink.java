package dev.regscope.scan;

import dev.regscope.core.Digest;

/** A tag and the manifest its {@code current/link} names. */
record TagLink(String tag, Digest digest) {}
