package dev.regscope.storage;

/**
 * An entry of a folder and the size of a file inside it: -1 where there is none, {@link
 * #SYMBOLIC_LINK} where the entry or the file is a symbolic link (never followed).
 */
public record SizedEntry(String name, long size) {
  public static final long SYMBOLIC_LINK = -2;
}
