package io.github.esdb.subscription;

import io.github.esdb.serialization.EventType;

@EventType("OrderPlaced")
public record OrderPlaced(String orderId, int amount) {
}
