package dev.regscope.scan;

import java.nio.file.Path;

/**
 * A folder under {@code repositories/} that is a repository (it holds {@code _manifests} or {@code
 * _layers}) or holds uploads, and which of the registry's own folders it has.
 */
record RepositoryDir(
    String name, Path path, boolean isRepository, boolean hasManifests, boolean hasUploads) {}
