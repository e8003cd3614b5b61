package dev.regscope.registry;

import java.util.OptionalLong;

/**
 * Reads Docker Hub's {@code ratelimit-remaining} header ({@code 76;w=21600}: pulls left in the
 * window of 21600 s); pure.
 */
final class RateLimitHeader {
  static final String NAME = "ratelimit-remaining";

  private RateLimitHeader() {}

  static OptionalLong remaining(String value) {
    if (value == null) {
      return OptionalLong.empty();
    }
    int semicolon = value.indexOf(';');
    String count = (semicolon < 0 ? value : value.substring(0, semicolon)).strip();
    if (count.isEmpty() || !count.chars().allMatch(Character::isDigit) || count.length() > 18) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Long.parseLong(count));
  }
}
