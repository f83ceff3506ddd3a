package io.github.esdb.subscription;

import io.github.esdb.serialization.EventType;

@EventType("OrderShipped")
public record OrderShipped(String orderId) {
}
