package dev.regscope.storage;

/** An entry of a folder and the size of a file inside it, -1 where there is none. */
public record SizedEntry(String name, long size) {}
