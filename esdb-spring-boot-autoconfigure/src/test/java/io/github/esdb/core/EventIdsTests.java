package io.github.esdb.core;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EventIdsTests {

	@Test
	void producesStandardVersion5Uuids() {
		// The RFC 4122 DNS namespace example, as computed by Python's uuid.uuid5(NAMESPACE_DNS, "python.org").
		UUID dns = UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
		assertThat(EventIds.nameBased(dns, "python.org")).isEqualTo(UUID.fromString("886313e1-3b8a-5372-9b90-0c9aee199e5d"));
	}

	@Test
	void derivesDistinctStableIdsPerHandledEventStreamAndOrdinal() {
		UUID handled = UUID.randomUUID();
		UUID id = EventIds.derived(handled, "order-1", 0);
		assertThat(id.version()).isEqualTo(5);
		assertThat(EventIds.derived(handled, "order-1", 0)).isEqualTo(id);
		assertThat(EventIds.derived(handled, "order-1", 1)).isNotEqualTo(id);
		assertThat(EventIds.derived(handled, "order-2", 0)).isNotEqualTo(id);
		assertThat(EventIds.derived(UUID.randomUUID(), "order-1", 0)).isNotEqualTo(id);
		// The separator cannot be forged by a stream name: "a/1" ordinal 0 differs from "a" ordinal "1/0".
		assertThat(EventIds.derived(handled, "a/1", 0)).isNotEqualTo(EventIds.derived(handled, "a", 10));
	}

}
