package dev.regscope.events;

/**
 * The embedded store; the registry sends no references, so regscope reads each manifest from
 * storage.
 */
class SqliteRealRegistryEventsTest extends RealRegistryEventsContract {
  @Override
  String database() {
    return dir.resolve("state/events.db").toString();
  }

  @Override
  boolean includeReferences() {
    return false;
  }
}
