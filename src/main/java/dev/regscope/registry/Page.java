package dev.regscope.registry;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/** One page of a listing ({@code _catalog}, {@code tags/list}) and where the next one is. */
public record Page(List<String> items, Optional<URI> next) {
  public Page {
    items = List.copyOf(items);
  }
}
