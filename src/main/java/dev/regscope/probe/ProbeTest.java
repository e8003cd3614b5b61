package dev.regscope.probe;

import dev.regscope.registry.DistributionClient;
import dev.regscope.registry.RegistryException;

/**
 * One of the four tests: an attempt against a client whose requests share the attempt's deadline.
 */
interface ProbeTest {
  ProbeType type();

  /** Runs attempt {@code attempt} (1-based), counting what it moves into {@code transfer}. */
  void run(DistributionClient client, Transfer transfer, int attempt) throws RegistryException;
}
