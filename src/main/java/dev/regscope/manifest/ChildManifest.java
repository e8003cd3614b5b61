package dev.regscope.manifest;

import java.util.Optional;

/**
 * An entry of a manifest list or OCI index: a child manifest and the platform it is for, if
 * declared.
 */
public record ChildManifest(Descriptor descriptor, Optional<Platform> platform) {}
