package io.github.esdb.subscription.container;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.kurrent.dbclient.EventData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.serialization.EventTypeRegistry;
import io.github.esdb.serialization.JacksonEventSerializer;
import io.github.esdb.subscription.SubscriptionContainer;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.SubscriptionHandler;
import io.github.esdb.subscription.checkpoint.InMemoryCheckpointStore;
import io.github.esdb.test.EmbeddedServerExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A delivered event's metadata is parsed when the handler first uses it, once, and not at all when it does not:
 * events written by the template all carry metadata, and most handlers never read it.
 */
class MetadataOnFirstUseTests {

	@RegisterExtension
	static final EmbeddedServerExtension esdb = new EmbeddedServerExtension();

	private final AtomicInteger parsed = new AtomicInteger();

	private final JacksonEventSerializer counting = new JacksonEventSerializer(new JsonMapper(),
			new EventTypeRegistry()) {

		@Override
		public Map<String, Object> readMetadata(byte[] metadata) {
			parsed.incrementAndGet();
			return super.readMetadata(metadata);
		}

	};

	@Test
	void parsesTheMetadataOfTheEventsWhoseHandlerReadsItOnceEach() throws Exception {
		String stream = "metadata-on-use-" + System.nanoTime();
		append(stream, 10);
		List<Map<String, Object>> read = new CopyOnWriteArrayList<>();
		List<Long> handled = new CopyOnWriteArrayList<>();
		run("metadata-on-use", stream, this.counting, (event, context) -> {
			if (context.revision() % 2 == 0) {
				// Several uses, one parse.
				context.metadata().get("n");
				context.correlationId();
				read.add(context.metadata());
			}
			handled.add(context.revision());
		}, handled, 10);
		assertThat(read).extracting((metadata) -> metadata.get("n")).containsExactly(0, 2, 4, 6, 8);
		assertThat(read).allSatisfy((metadata) -> {
			assertThat(metadata).containsEntry("source", "test").hasSize(2);
			assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> metadata.put("x", "y"));
		});
		assertThat(this.parsed).hasValue(5);
	}

	@Test
	void aHandlerThatNeverReadsTheMetadataIsNotHeldUpByASerializerThatCannotReadIt() throws Exception {
		String stream = "metadata-unreadable-" + System.nanoTime();
		append(stream, 3);
		JacksonEventSerializer unreadable = new JacksonEventSerializer(new JsonMapper(), new EventTypeRegistry()) {

			@Override
			public Map<String, Object> readMetadata(byte[] metadata) {
				throw new IllegalStateException("unreadable metadata");
			}

		};
		List<Long> handled = new CopyOnWriteArrayList<>();
		run("metadata-unreadable", stream, unreadable, (event, context) -> handled.add(context.revision()), handled,
				3);
		assertThat(handled).containsExactly(0L, 1L, 2L);
	}

	private void append(String stream, int count) throws Exception {
		for (int i = 0; i < count; i++) {
			esdb.client()
				.appendToStream(stream, EventData.builderAsJson("Tick", ("{\"n\":" + i + "}").getBytes())
					.metadataAsBytes(("{\"n\":" + i + ",\"source\":\"test\"}").getBytes())
					.build())
				.get(5, TimeUnit.SECONDS);
		}
	}

	private void run(String id, String stream, JacksonEventSerializer serializer, SubscriptionHandler handler,
			List<Long> handled, int count) {
		SubscriptionContainer container = DefaultSubscriptionContainerFactory.builder()
			.clients(KurrentDBClientProvider.of(esdb.client()))
			.serializer(serializer)
			.checkpointStores((name) -> new InMemoryCheckpointStore())
			.build()
			.create(SubscriptionEndpoint.toStream(id, stream).handler(handler).build());
		container.start();
		try {
			await().atMost(Duration.ofSeconds(20)).until(() -> handled.size() >= count);
		}
		finally {
			assertThat(container.stop(Duration.ofSeconds(10))).isTrue();
		}
		assertThat(container.snapshot().lastError()).isNull();
		assertThat(container.snapshot().failed()).isZero();
	}

}
