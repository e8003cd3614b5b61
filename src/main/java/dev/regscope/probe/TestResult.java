package dev.regscope.probe;

import dev.regscope.registry.ErrorClass;
import java.time.Duration;
import java.time.Instant;

/**
 * How a test ended after all its attempts: success, or the class and detail of the last failure;
 * its duration from the first attempt's start to the last's end, back-off included (as Konflux
 * measures); bytes moved over all attempts; the image size of the successful attempt.
 */
record TestResult(
    ProbeType type,
    boolean success,
    ErrorClass error,
    String detail,
    Duration elapsed,
    int attempts,
    long bytes,
    long imageSize,
    Instant finishedAt) {}
