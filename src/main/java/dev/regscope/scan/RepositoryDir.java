package dev.regscope.scan;

import java.nio.file.Path;

/** A folder under {@code repositories/} that holds {@code _manifests} or {@code _layers}: a repository. */
record RepositoryDir(String name, Path path, boolean hasManifests) {}
