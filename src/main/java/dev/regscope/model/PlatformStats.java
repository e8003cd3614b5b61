package dev.regscope.model;

/** Layers and size of the child manifests of a multi-platform tag that are for one platform. */
public record PlatformStats(String platform, long layers, long sizeBytes) {}
