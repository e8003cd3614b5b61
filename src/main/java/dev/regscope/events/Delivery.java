package dev.regscope.events;

import java.util.List;

/** What one webhook POST carried: the events to store and those to set aside. */
public record Delivery(List<RegistryEvent> events, List<RejectedEvent> rejected) {
  public Delivery {
    events = List.copyOf(events);
    rejected = List.copyOf(rejected);
  }

  /** A delivery of these events, none set aside. */
  public static Delivery of(List<RegistryEvent> events) {
    return new Delivery(events, List.of());
  }

  public int size() {
    return events.size() + rejected.size();
  }
}
