package dev.regscope.model;

import java.time.Instant;

/**
 * The uploads in progress in one repository folder ({@code _uploads/<uuid>}): how many, the bytes
 * received so far, and when the oldest one started (null if none has a readable {@code startedat}).
 */
public record UploadStats(String repository, int count, long bytes, Instant oldestStartedAt) {}
