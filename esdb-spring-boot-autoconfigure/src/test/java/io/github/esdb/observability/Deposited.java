package io.github.esdb.observability;

import io.github.esdb.serialization.EventType;

@EventType("Deposited")
public record Deposited(String account, long amount) {
}
