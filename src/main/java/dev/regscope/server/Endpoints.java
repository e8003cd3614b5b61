package dev.regscope.server;

/**
 * The HTTP paths and default port regscope serves; the Dockerfile, k8s manifests and tests all
 * agree on these.
 */
public final class Endpoints {
  public static final int DEFAULT_PORT = 8080;
  public static final String METRICS = "/metrics";
  public static final String HEALTHY = "/-/healthy";
  public static final String READY = "/-/ready";
  public static final String EVENTS = "/events";

  private Endpoints() {}
}
