package dev.regscope;
public final class Main { public static void main(String[] a) {} }
