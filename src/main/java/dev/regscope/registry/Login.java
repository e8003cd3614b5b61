package dev.regscope.registry;

/** How a login went through: the registry asked for nothing, for Basic, or for a Bearer token. */
public enum Login {
  ANONYMOUS,
  BASIC,
  BEARER
}
