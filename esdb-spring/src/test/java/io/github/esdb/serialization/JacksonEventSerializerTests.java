package io.github.esdb.serialization;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Jackson serializer reads through a reader kept per payload type: it must read exactly as the mapper it was
 * given, for every type, every time.
 */
class JacksonEventSerializerTests {

	record OrderPlaced(String orderId, int amount) {
	}

	record OrderSummary(String orderId) {
	}

	private static byte[] json(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@Test
	void readsEachTypeAsTheMapperWouldAgainAndAgain() {
		JsonMapper lenient = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
		JacksonEventSerializer serializer = new JacksonEventSerializer(lenient, new EventTypeRegistry());
		byte[] data = json("{\"orderId\":\"o-1\",\"amount\":42}");
		for (int i = 0; i < 3; i++) {
			assertThat(serializer.deserialize("OrderPlaced", data, OrderPlaced.class))
				.isEqualTo(new OrderPlaced("o-1", 42));
			// The same bytes as another type: its own reader, and the mapper's leniency for the unknown "amount".
			assertThat(serializer.deserialize("OrderPlaced", data, OrderSummary.class))
				.isEqualTo(new OrderSummary("o-1"));
		}
		assertThat(serializer.deserialize("OrderPlaced", data, byte[].class)).isSameAs(data);
	}

	@Test
	void aStrictMapperStaysStrictAndTheErrorNamesTheTypeAndTheClass() {
		JsonMapper strict = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
		JacksonEventSerializer serializer = new JacksonEventSerializer(strict, new EventTypeRegistry());
		byte[] data = json("{\"orderId\":\"o-1\",\"amount\":42}");
		assertThat(serializer.deserialize("OrderPlaced", data, OrderPlaced.class)).isEqualTo(new OrderPlaced("o-1", 42));
		assertThatThrownBy(() -> serializer.deserialize("OrderPlaced", data, OrderSummary.class))
			.isInstanceOf(EventSerializationException.class)
			.hasMessageContaining("Cannot read event type 'OrderPlaced' as " + OrderSummary.class.getName());
		assertThatThrownBy(() -> serializer.deserialize("OrderPlaced", json("{not json"), OrderPlaced.class))
			.isInstanceOf(EventSerializationException.class)
			.hasMessageContaining("Cannot read event type 'OrderPlaced'");
	}

	@Test
	void roundTripsPayloadsAndMetadata() {
		JacksonEventSerializer serializer = new JacksonEventSerializer(new JsonMapper(), new EventTypeRegistry());
		SerializedEvent written = serializer.serialize(new OrderPlaced("o-2", 7));
		assertThat(serializer.deserialize(written.type(), written.data(), OrderPlaced.class))
			.isEqualTo(new OrderPlaced("o-2", 7));
		byte[] metadata = serializer.writeMetadata(Map.of("tenant", "acme", "attempt", 2));
		assertThat(serializer.readMetadata(metadata)).containsEntry("tenant", "acme").containsEntry("attempt", 2);
		assertThat(serializer.readMetadata(json("[1,2]"))).isEmpty();
		assertThat(serializer.readMetadata(new byte[0])).isEmpty();
		// The JSON literal null is no object either.
		assertThat(serializer.readMetadata(json("null"))).isEmpty();
	}

}
