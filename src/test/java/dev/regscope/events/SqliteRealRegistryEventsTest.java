package dev.regscope.events;

/**
 * The embedded store; the registry sends no references, so regscope reads each manifest from
 * storage.
 */
class SqliteRealRegistryEventsTest extends RealRegistryEventsContract {
  @Override
  String database() throws Exception {
    // serve creates the file, not its folder: a volume mounted there, as in k8s/events.
    return java.nio.file.Files.createDirectories(dir.resolve("state"))
        .resolve("events.db")
        .toString();
  }

  @Override
  boolean includeReferences() {
    return false;
  }
}
