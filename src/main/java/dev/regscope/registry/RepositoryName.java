package dev.regscope.registry;

import java.util.regex.Pattern;

/**
 * The repository names a registry accepts: lowercase path components of letters and digits joined
 * by single separators ({@code .}, {@code _}, {@code __} or dashes), separated by {@code /}, at
 * most 255 characters (the distribution reference grammar).
 */
public final class RepositoryName {
  static final int MAX_LENGTH = 255;
  private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");

  private RepositoryName() {}

  /**
   * Returns {@code name} if a registry would accept it; else throws with a message that names it.
   */
  public static String check(String name) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("no repository name");
    }
    if (name.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "repository name " + name + " is over " + MAX_LENGTH + " characters");
    }
    for (String component : name.split("/", -1)) {
      if (!COMPONENT.matcher(component).matches()) {
        throw new IllegalArgumentException(
            "repository name "
                + name
                + " is not one a registry accepts: lowercase letters and digits, separated by"
                + " '.', '_', '__' or '-', in components joined by '/'");
      }
    }
    return name;
  }
}
