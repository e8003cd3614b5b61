package dev.regscope.events;

import dev.regscope.core.Digest;
import java.time.Instant;
import java.util.List;

/**
 * One registry notification, as stored.
 *
 * @param action empty name of an action this version does not know: stored raw, derives nothing
 * @param target a manifest or a blob (told by the URL the request went to), a tag (deleted by
 *     name), or a digest (deleted, and a delete does not say of what)
 * @param registry canonical name of the registry host the request was sent to
 * @param digest null for a tag delete
 * @param tag null unless the request named a tag
 * @param size -1 where the event gives none
 * @param references null when the registry did not include them ({@code includereferences} off), so
 *     they are looked up in storage; empty for a manifest that references nothing
 * @param method the HTTP method of the request that caused it: a {@code HEAD} arrives as a pull
 * @param body the event's own JSON, kept verbatim in the append-only events table
 */
public record RegistryEvent(
    String id,
    Instant timestamp,
    String action,
    Target target,
    String registry,
    String repository,
    Digest digest,
    String tag,
    String mediaType,
    long size,
    String fromRepository,
    List<Reference> references,
    String method,
    String userAgent,
    String actor,
    String body) {

  /**
   * A {@code HEAD}: the client checked the manifest (kubelet resolving a tag) but downloaded
   * nothing.
   */
  public boolean isHead() {
    return "HEAD".equalsIgnoreCase(method);
  }
}
