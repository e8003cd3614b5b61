package dev.regscope.scan.api;

import dev.regscope.registry.RegistryException;

/**
 * A registry call that failed inside resolution (a manifest GET, a blob HEAD), carried out of the
 * resolver, which knows only damage, to the repository that asked.
 */
final class ApiFailure extends RuntimeException {
  private final RegistryException failure;

  ApiFailure(RegistryException failure) {
    super(failure.getMessage(), failure, false, false);
    this.failure = failure;
  }

  RegistryException failure() {
    return failure;
  }
}
