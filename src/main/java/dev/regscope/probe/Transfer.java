package dev.regscope.probe;

/**
 * What one attempt of a test moved: bytes sent or received (counted as they go, so a failed attempt
 * counts what it moved) and the image size the registry reported.
 */
final class Transfer {
  private long bytes;
  private long imageSize = -1;

  void add(long n) {
    bytes += n;
  }

  long bytes() {
    return bytes;
  }

  void imageSize(long size) {
    imageSize = size;
  }

  /** The layers' total size, as the manifest the registry holds says; below zero if not known. */
  long imageSize() {
    return imageSize;
  }
}
