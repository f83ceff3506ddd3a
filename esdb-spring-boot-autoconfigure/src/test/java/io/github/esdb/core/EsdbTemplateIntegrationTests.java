package io.github.esdb.core;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.core.TestEvents.InvoiceSent;
import io.github.esdb.core.TestEvents.ItemAdded;
import io.github.esdb.core.TestEvents.OrderEvent;
import io.github.esdb.core.TestEvents.OrderPlaced;
import io.github.esdb.core.TestEvents.OrderShipped;
import io.github.esdb.core.TestEvents.OrderTotal;
import io.github.esdb.core.TestEvents.Unwritable;
import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.autoconfigure.serialization.EsdbSerializationAutoConfiguration;
import io.github.esdb.event.CurrentEvent;
import io.github.esdb.event.EventEnvelope;
import io.github.esdb.subscription.EventContext;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamDeletedException;
import io.kurrent.dbclient.StreamNotFoundException;
import io.kurrent.dbclient.StreamState;
import io.kurrent.dbclient.WrongExpectedVersionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.dao.InvalidDataAccessResourceUsageException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.dao.TypeMismatchDataAccessException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import io.github.esdb.autoconfigure.template.EsdbTemplateAutoConfiguration;

/**
 * {@link EsdbTemplate} against the embedded server over TCP, wired by the auto-configuration.
 */
class EsdbTemplateIntegrationTests {

	private static EmbeddedEsdbServer server;

	@BeforeAll
	static void startServer() {
		server = EmbeddedEsdbServer.builder().build().start();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(EsdbAutoConfiguration.class,
					EsdbSerializationAutoConfiguration.class, EsdbTemplateAutoConfiguration.class))
			.withPropertyValues("esdb.connection-string=" + server.connectionString())
			// Stands in for the subscription auto-configuration, which defines this bean in applications.
			.withBean(CurrentEvent.class, CurrentEvent::new);
	}

	private void run(ContextConsumer<AssertableApplicationContext> test) {
		runner().run(test);
	}

	private static String stream(String category) {
		return category + "-" + UUID.randomUUID();
	}

	/**
	 * The envelope the current event carries when a persistent subscription hands a stored event to a handler: every
	 * delivery of one event carries the same envelope, whatever its retry count.
	 */
	private static EventEnvelope delivery(EventEnvelope stored, int retryCount) {
		return new EventContext(stored.stream() + "::handlers", stored, retryCount).event();
	}

	private static List<RecordedEvent> rawEvents(KurrentDBClient client, String stream) throws Exception {
		return client.readStream(stream, ReadStreamOptions.get())
			.get()
			.getEvents()
			.stream()
			.map(ResolvedEvent::getOriginalEvent)
			.toList();
	}

	private static void appendRaw(KurrentDBClient client, String stream, String type, String json) throws Exception {
		client.appendToStream(stream, EventData.builderAsJson(type, json.getBytes(StandardCharsets.UTF_8)).build())
			.get();
	}

	// ---- round trips ----

	@Test
	void appendsAndReadsTypedEventsWithTheirEnvelope() {
		run((context) -> {
			EsdbTemplate template = context.getBean(EsdbTemplate.class);
			String order = stream("order");
			AppendResult result = template.append(order, new OrderPlaced("o-1", "alice"),
					new ItemAdded("sku-1", 2, new BigDecimal("9.95")));
			assertThat(result.stream()).isEqualTo(order);
			assertThat(result.nextExpectedRevision()).isEqualTo(1);
			assertThat(result.logPosition()).isNotNull();

			List<StoredEvent<OrderEvent>> events = template.readStream(order, OrderEvent.class);
			assertThat(events).extracting(StoredEvent::payload)
				.containsExactly(new OrderPlaced("o-1", "alice"), new ItemAdded("sku-1", 2, new BigDecimal("9.95")));
			assertThat(events).extracting(StoredEvent::eventType).containsExactly("order-placed", "ItemAdded");
			assertThat(events).extracting(StoredEvent::revision).containsExactly(0L, 1L);
			StoredEvent<OrderEvent> first = events.get(0);
			assertThat(first.stream()).isEqualTo(order);
			assertThat(first.context().created()).isNotNull();
			assertThat(first.context().position()).isNotNull();
			assertThat(first.context().correlationId()).isPresent();
			assertThat(first.context().causationId()).isEmpty();

			List<RecordedEvent> raw = rawEvents(context.getBean(KurrentDBClient.class), order);
			assertThat(raw).extracting(RecordedEvent::getContentType).containsOnly("application/json");
			assertThat(raw).extracting(RecordedEvent::getEventId).containsExactly(first.eventId(),
					events.get(1).eventId());
			assertThat(new String(raw.get(1).getEventData(), StandardCharsets.UTF_8)).contains("\"sku\":\"sku-1\"");

			// Object.class yields whatever each type maps to; byte[].class the stored bytes.
			assertThat(template.readStream(order, Object.class)).extracting(StoredEvent::payload)
				.containsExactly(new OrderPlaced("o-1", "alice"), new ItemAdded("sku-1", 2, new BigDecimal("9.95")));
			assertThat(template.readStream(order, byte[].class).get(0).payload())
				.isEqualTo(raw.get(0).getEventData());
		});
	}

	@Test
	void serializesWithTheApplicationsJsonMapper() {
		runner()
			.withBean(JsonMapper.class,
					() -> JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build())
			.run((context) -> {
				EsdbTemplate template = context.getBean(EsdbTemplate.class);
				String order = stream("order");
				template.append(order, new OrderPlaced("o-2", "bob"));
				RecordedEvent raw = rawEvents(context.getBean(KurrentDBClient.class), order).get(0);
				assertThat(new String(raw.getEventData(), StandardCharsets.UTF_8)).contains("\"order_id\":\"o-2\"");
				assertThat(template.readStream(order, OrderPlaced.class).get(0).payload())
					.isEqualTo(new OrderPlaced("o-2", "bob"));
			});
	}

	@Test
	void readsThroughASealedInterfaceBeforeAnyEventWasAppendedInThisApplication() {
		run((context) -> {
			String order = stream("order");
			// Written by another process: this application's registry has never seen ItemAdded.
			appendRaw(context.getBean(KurrentDBClient.class), order, "ItemAdded",
					"{\"sku\":\"s\",\"quantity\":1,\"price\":3}");
			EsdbTemplate template = context.getBean(EsdbTemplate.class);
			assertThat(template.readStream(order, OrderEvent.class)).extracting(StoredEvent::payload)
				.containsExactly(new ItemAdded("s", 1, new BigDecimal("3")));
		});
	}

	@Test
	void worksWithoutSubscriptionsOnTheClasspath() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(EsdbAutoConfiguration.class,
					EsdbSerializationAutoConfiguration.class, EsdbTemplateAutoConfiguration.class))
			.withPropertyValues("esdb.connection-string=" + server.connectionString())
			.run((context) -> {
				assertThat(context).doesNotHaveBean(CurrentEvent.class);
				EsdbTemplate template = context.getBean(EsdbTemplate.class);
				String order = stream("order");
				template.append(order, new OrderPlaced("o-3", "carol"));
				assertThat(template.readStream(order, OrderPlaced.class).get(0).context().correlationId()).isPresent();
			});
	}

	// ---- expected states ----

	@Test
	void honoursEachExpectedState() {
		run((context) -> {
			EsdbTemplate template = context.getBean(EsdbTemplate.class);
			String order = stream("order");

			assertThatThrownBy(() -> template.append(order, StreamState.streamExists(), List.of(new OrderShipped("x"))))
				.isInstanceOfSatisfying(EsdbWrongExpectedVersionException.class, (ex) -> {
					assertThat(ex.getStream()).isEqualTo(order);
					assertThat(ex.getExpectedState()).isEqualTo(StreamState.streamExists());
					assertThat(ex.getActualRevision()).isEmpty();
				});

			AppendResult created = template.append(order, StreamState.noStream(), List.of(new OrderPlaced("o", "c")));
			assertThat(created.nextExpectedRevision()).isZero();

			assertThatThrownBy(() -> template.append(order, StreamState.noStream(), List.of(new OrderPlaced("o", "c"))))
				.isInstanceOf(OptimisticLockingFailureException.class)
				.isInstanceOfSatisfying(EsdbWrongExpectedVersionException.class, (ex) -> {
					// The caller's expectation, not the 1.1.0 client's "revision 0" for no-stream.
					assertThat(ex.getExpectedState()).isEqualTo(StreamState.noStream());
					assertThat(ex.getExpectedRevision()).isEmpty();
					assertThat(ex.getActualRevision()).hasValue(0);
					assertThat(ex.getCause()).isInstanceOf(WrongExpectedVersionException.class);
				});

			AppendResult exists = template.append(order, StreamState.streamExists(),
					List.of(new ItemAdded("a", 1, BigDecimal.ONE)));
			assertThat(exists.nextExpectedRevision()).isEqualTo(1);

			AppendResult atRevision = template.append(order, exists.nextExpectedState(),
					List.of(new ItemAdded("b", 1, BigDecimal.ONE), new ItemAdded("c", 1, BigDecimal.ONE)));
			assertThat(atRevision.nextExpectedRevision()).isEqualTo(3);
			assertThat(atRevision.logPosition()).isGreaterThan(exists.logPosition());

			assertThatThrownBy(() -> template.append(order, exists.nextExpectedState(),
					List.of(new OrderShipped("late"))))
				.isInstanceOfSatisfying(EsdbWrongExpectedVersionException.class, (ex) -> {
					assertThat(ex.getExpectedRevision()).hasValue(1);
					assertThat(ex.getActualRevision()).hasValue(3);
					assertThat(ex).hasMessageContaining("expected revision 1, actual revision 3");
				});

			AppendResult any = template.append(order, StreamState.any(), List.of(new OrderShipped("ups")));
			assertThat(any.nextExpectedRevision()).isEqualTo(4);
			// The rejected appends wrote nothing.
			assertThat(template.currentRevision(order)).hasValue(4);
			assertThat(template.readStream(order, OrderEvent.class)).hasSize(5);
		});
	}

	// ---- reads ----

	@Test
	void readsForwardsBackwardsFromARevisionWithALimit() {
		run((context) -> {
			EsdbTemplate template = context.getBean(EsdbTemplate.class);
			String order = stream("order");
			List<Object> items = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				items.add(new ItemAdded("sku-" + i, i, BigDecimal.ONE));
			}
			template.append(order, StreamState.noStream(), items);

			assertThat(template.readStream(order, StreamReadOptions.forwards().fromRevision(2).limit(3), ItemAdded.class))
				.extracting(StoredEvent::revision)
				.containsExactly(2L, 3L, 4L);
			assertThat(template.readStream(order, StreamReadOptions.backwards().limit(2), ItemAdded.class))
				.extracting(StoredEvent::revision)
				.containsExactly(5L, 4L);
			assertThat(template.readStream(order, StreamReadOptions.backwards().fromRevision(1), ItemAdded.class))
				.extracting((e) -> e.payload().sku())
				.containsExactly("sku-1", "sku-0");

			assertThat(template.readEvent(order, 3, ItemAdded.class).payload().sku()).isEqualTo("sku-3");
			assertThat(template.currentRevision(order)).hasValue(5);
		});
	}

	@Test
	void absentStreamsReadAsEmptyButASingleEventReadFailsLikeQueryForObject() {
		run((context) -> {
			EsdbTemplate template = context.getBean(EsdbTemplate.class);
			String missing = stream("missing");
			assertThat(template.readStream(missing, Object.class)).isEmpty();
			assertThat(template.currentRevision(missing)).isEmpty();

			assertThatThrownBy(() -> template.readEvent(missing, 0, Object.class))
				.isInstanceOf(EmptyResultDataAccessException.class)
				.hasMessageContaining(missing)
				.hasCauseInstanceOf(StreamNotFoundException.class);

			String order = stream("order");
			template.append(order, new OrderPlaced("o", "c"));
			assertThatThrownBy(() -> template.readEvent(order, 7, Object.class))
				.isInstanceOf(EmptyResultDataAccessException.class)
				.hasMessageContaining("no event at revision 7");
		});
	}

	@Test
	void readsAllKeepingTheRequestedPayloadType() {
		run((context) -> {
			EsdbTemplate template = context.getBean(EsdbTemplate.class);
			KurrentDBClient client = context.getBean(KurrentDBClient.class);
			String order = stream("order");
			String foreign = stream("legacy");
			AppendResult first = template.append(order, new OrderPlaced("o-all", "dora"));
			appendRaw(client, foreign, "legacy-thing", "{}");
			template.append(stream("invoice"), new InvoiceSent("i-1"));
			template.append(order, new OrderShipped("fedex"));
			template.setStreamMetadata(order, EsdbStreamMetadata.empty().withCustom("owner", "all-test"));

			List<StoredEvent<OrderEvent>> orders = template.readAll(AllReadOptions.forwards().fromPosition(first.logPosition()),
					OrderEvent.class);
			// Unmapped, unrelated and system events are skipped, not failed on: $all holds everyone's events.
			assertThat(orders).extracting(StoredEvent::stream).containsOnly(order);
			assertThat(orders).extracting(StoredEvent::payload)
				.containsExactly(new OrderPlaced("o-all", "dora"), new OrderShipped("fedex"));

			// $all also holds the system projections' links (up to four per event) between these events.
			assertThat(template.readAll(AllReadOptions.backwards().limit(50), OrderEvent.class))
				.extracting(StoredEvent::payload)
				.startsWith(new OrderShipped("fedex"), new OrderPlaced("o-all", "dora"));

			List<StoredEvent<byte[]>> raw = template.readAll(AllReadOptions.forwards().fromPosition(first.logPosition()),
					byte[].class);
			// Raw reads keep system events; the projections' links ($> and $@ records) are left out here.
			assertThat(raw).extracting(StoredEvent::eventType)
				.filteredOn((type) -> !type.equals("$>") && !type.equals("$@"))
				.containsExactly("order-placed", "legacy-thing", "InvoiceSent", "OrderShipped", "$metadata");
		});
	}

	// ---- fold ----

	@Test
	void foldsAStreamIntoStateAndLoadsItForAnOptimisticAppend() {
		run((context) -> {
			EsdbTemplate template = context.getBean(EsdbTemplate.class);
			String order = stream("order");
			template.append(order, StreamState.noStream(), List.of(new OrderPlaced("o-9", "erin"),
					new ItemAdded("a", 2, new BigDecimal("1.50")), new ItemAdded("b", 1, new BigDecimal("4.00"))));

			OrderTotal total = template.fold(order, OrderTotal.empty(), OrderTotal::apply);
			assertThat(total).isEqualTo(new OrderTotal("erin", 3, new BigDecimal("7.00"), false));

			Folded<OrderTotal> loaded = template.load(order, OrderEvent.class, OrderTotal.empty(), OrderTotal::apply);
			assertThat(loaded.state()).isEqualTo(total);
			assertThat(loaded.exists()).isTrue();
			assertThat(loaded.expectedState()).isEqualTo(StreamState.streamRevision(2));
			template.append(order, loaded.expectedState(), List.of(new OrderShipped("dhl")));
			// A second writer that loaded the same state loses.
			assertThatThrownBy(() -> template.append(order, loaded.expectedState(), List.of(new OrderShipped("ups"))))
				.isInstanceOf(EsdbWrongExpectedVersionException.class);
			assertThat(template.fold(order, OrderTotal.empty(), OrderTotal::apply).shipped()).isTrue();

			Folded<OrderTotal> missing = template.load(stream("order"), OrderEvent.class, OrderTotal.empty(),
					OrderTotal::apply);
			assertThat(missing.state()).isEqualTo(OrderTotal.empty());
			assertThat(missing.exists()).isFalse();
			assertThat(missing.expectedState()).isEqualTo(StreamState.noStream());
		});
	}

	@Test
	void foldsStreamsLongerThanOnePage() {
		run((context) -> {
			EsdbTemplate template = context.getBean(EsdbTemplate.class);
			String order = stream("order");
			List<Object> items = new ArrayList<>();
			for (int i = 0; i < 1100; i++) {
				items.add(new ItemAdded("s" + i, 1, BigDecimal.ONE));
			}
			template.append(order, StreamState.noStream(), items);
			Folded<Integer> count = template.load(order, ItemAdded.class, 0, (n, item) -> n + item.quantity());
			assertThat(count.state()).isEqualTo(1100);
			assertThat(count.expectedState()).isEqualTo(StreamState.streamRevision(1099));
		});
	}

	// ---- multi-stream append ----

	@Test
	void appendsToSeveralStreamsAtomically() {
		run((context) -> {
			EsdbTemplate template = context.getBean(EsdbTemplate.class);
			String order = stream("order");
			String stock = stream("stock");
			MultiStreamAppendResult result = template.appendAll(List.of(
					StreamAppend.of(order, StreamState.noStream(), new OrderPlaced("o-m", "finn")),
					StreamAppend.of(stock, StreamState.noStream(), new ItemAdded("a", 1, BigDecimal.ONE),
							EventToAppend.of(new ItemAdded("b", 1, BigDecimal.ONE)).withMetadata("source", "import"))));
			assertThat(result.revisions()).containsEntry(order, 0L).containsEntry(stock, 1L);
			assertThat(result.nextExpectedState(stock)).isEqualTo(StreamState.streamRevision(1));
			assertThat(result.logPosition()).isNotNull();

			StoredEvent<OrderEvent> placed = template.readStream(order, OrderEvent.class).get(0);
			List<StoredEvent<ItemAdded>> items = template.readStream(stock, ItemAdded.class);
			assertThat(placed.payload()).isEqualTo(new OrderPlaced("o-m", "finn"));
			assertThat(items.get(1).metadata()).containsEntry("source", "import");
			// One correlation id for the whole append, across streams.
			assertThat(items.get(0).context().correlationId()).isEqualTo(placed.context().correlationId());

			// One stream in the wrong state: nothing is written anywhere.
			assertThatThrownBy(() -> template.appendAll(List.of(
					StreamAppend.of(order, StreamState.streamRevision(0), new OrderShipped("dhl")),
					StreamAppend.of(stock, StreamState.noStream(), new ItemAdded("c", 1, BigDecimal.ONE)))))
				.isInstanceOfSatisfying(EsdbWrongExpectedVersionException.class, (ex) -> {
					assertThat(ex.getStream()).isEqualTo(stock);
					assertThat(ex.getExpectedState()).isEqualTo(StreamState.noStream());
					assertThat(ex.getActualRevision()).hasValue(1);
				});
			assertThat(template.currentRevision(order)).hasValue(0);
			assertThat(template.currentRevision(stock)).hasValue(1);
		});
	}

	@Test
	void rejectsNonStringMetadataInAMultiStreamAppendBeforeSending() {
		run((context) -> {
			EsdbTemplate template = context.getBean(EsdbTemplate.class);
			String order = stream("order");
			String stock = stream("stock");
			assertThatThrownBy(() -> template.appendAll(List.of(
					StreamAppend.of(order, StreamState.any(), new OrderPlaced("o", "c")),
					StreamAppend.of(stock, StreamState.any(),
							EventToAppend.of(new ItemAdded("a", 1, BigDecimal.ONE)).withMetadata("attempt", 3)))))
				.isInstanceOf(InvalidDataAccessApiUsageException.class)
				.hasMessageContaining("'attempt'")
				.hasMessageContaining("java.lang.Integer");
			assertThat(template.currentRevision(order)).isEmpty();
			assertThat(template.currentRevision(stock)).isEmpty();

			assertThatThrownBy(() -> template.appendAll(List.of(StreamAppend.of(order, StreamState.any(), new OrderPlaced("o", "c")),
					StreamAppend.of(order, StreamState.any(), new OrderShipped("x")))))
				.isInstanceOf(InvalidDataAccessApiUsageException.class)
				.hasMessageContaining("appears twice");
		});
	}

	// ---- stream metadata ----

	@Test
	void roundTripsStreamMetadataAndTheServerAppliesIt() {
		run((context) -> {
			EsdbTemplate template = context.getBean(EsdbTemplate.class);
			String order = stream("order");
			assertThat(template.getStreamMetadata(order)).isEqualTo(EsdbStreamMetadata.empty());
			List<Object> items = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				items.add(new ItemAdded("s" + i, 1, BigDecimal.ONE));
			}
			template.append(order, StreamState.noStream(), items);

			AppendResult written = template.setStreamMetadata(order, StreamState.noStream(),
					EsdbStreamMetadata.empty()
						.withMaxCount(3)
						.withMaxAge(Duration.ofDays(1))
						.withCacheControl(Duration.ofSeconds(30))
						.withCustom("owner", "billing")
						.withCustom("tier", 2));
			assertThat(written.stream()).isEqualTo("$$" + order);
			assertThat(written.nextExpectedRevision()).isZero();

			EsdbStreamMetadata read = template.getStreamMetadata(order);
			assertThat(read.maxCount()).isEqualTo(3);
			assertThat(read.maxAge()).isEqualTo(Duration.ofDays(1));
			assertThat(read.cacheControl()).isEqualTo(Duration.ofSeconds(30));
			assertThat(read.truncateBefore()).isNull();
			assertThat(read.custom()).containsEntry("owner", "billing").containsEntry("tier", 2);
			assertThat(template.readStream(order, ItemAdded.class)).extracting(StoredEvent::revision)
				.containsExactly(2L, 3L, 4L);

			template.setStreamMetadata(order, written.nextExpectedState(),
					EsdbStreamMetadata.empty().withTruncateBefore(4));
			assertThat(template.getStreamMetadata(order).maxCount()).isNull();
			assertThat(template.getStreamMetadata(order).truncateBefore()).isEqualTo(4);
			assertThat(template.readStream(order, ItemAdded.class)).extracting(StoredEvent::revision)
				.containsExactly(4L);

			assertThatThrownBy(() -> template.setStreamMetadata(order, StreamState.noStream(),
					EsdbStreamMetadata.empty().withMaxCount(1)))
				.isInstanceOfSatisfying(EsdbWrongExpectedVersionException.class,
						(ex) -> assertThat(ex.getStream()).isEqualTo("$$" + order));
			assertThatThrownBy(() -> template.setStreamMetadata(order, EsdbStreamMetadata.empty().withCustom("$acl", 1)))
				.isInstanceOf(InvalidDataAccessApiUsageException.class)
				.hasMessageContaining("$acl");
		});
	}

	// ---- deletion and exception translation ----

	@Test
	void tombstonedStreamsTranslateOnWriteAndRead() {
		run((context) -> {
			EsdbTemplate template = context.getBean(EsdbTemplate.class);
			String order = stream("order");
			template.append(order, new OrderPlaced("o", "c"));
			assertThat(template.tombstoneStream(order, StreamState.streamRevision(0))).isNotNull();

			assertThatThrownBy(() -> template.append(order, new OrderShipped("x")))
				.isInstanceOf(InvalidDataAccessResourceUsageException.class)
				.isInstanceOfSatisfying(EsdbStreamDeletedException.class,
						(ex) -> assertThat(ex.getStream()).isEqualTo(order))
				.hasCauseInstanceOf(StreamDeletedException.class);
			// The client lets a tombstoned read through as a bare gRPC status; the trailers still say what it is.
			assertThatThrownBy(() -> template.readStream(order, Object.class))
				.isInstanceOfSatisfying(EsdbStreamDeletedException.class,
						(ex) -> assertThat(ex.getStream()).isEqualTo(order))
				.hasCauseInstanceOf(StatusRuntimeException.class);
			assertThatThrownBy(() -> template.tombstoneStream(order, StreamState.any()))
				.isInstanceOf(EsdbStreamDeletedException.class);
		});
	}

	@Test
	void softDeletedStreamsReadAsAbsentAndRestartOnAppend() {
		run((context) -> {
			EsdbTemplate template = context.getBean(EsdbTemplate.class);
			String order = stream("order");
			template.append(order, new OrderPlaced("o", "c"), new OrderShipped("x"));

			assertThatThrownBy(() -> template.deleteStream(order, StreamState.streamRevision(5)))
				.isInstanceOfSatisfying(EsdbWrongExpectedVersionException.class, (ex) -> {
					assertThat(ex.getExpectedRevision()).hasValue(5);
					assertThat(ex.getActualRevision()).hasValue(1);
				});
			template.deleteStream(order, StreamState.streamRevision(1));

			assertThat(template.readStream(order, Object.class)).isEmpty();
			assertThat(template.currentRevision(order)).isEmpty();
			assertThat(template.load(order, Object.class, 0, (n, e) -> n + 1).expectedState())
				.isEqualTo(StreamState.noStream());

			AppendResult restarted = template.append(order, new OrderPlaced("o", "again"));
			assertThat(restarted.nextExpectedRevision()).isEqualTo(2);
			assertThat(template.readStream(order, OrderEvent.class)).extracting(StoredEvent::payload)
				.containsExactly(new OrderPlaced("o", "again"));
		});
	}

	// ---- bad input ----

	@Test
	void anUnmappedEventTypeOnATypedReadNamesTheTypeAndHowToMapIt() {
		run((context) -> {
			EsdbTemplate template = context.getBean(EsdbTemplate.class);
			String customer = stream("customer");
			appendRaw(context.getBean(KurrentDBClient.class), customer, "customer-archived", "{\"id\":1}");
			assertThatThrownBy(() -> template.readStream(customer, Object.class))
				.isInstanceOf(TypeMismatchDataAccessException.class)
				.isInstanceOfSatisfying(EsdbEventTypeMappingException.class,
						(ex) -> assertThat(ex.getEventType()).isEqualTo("customer-archived"))
				.hasMessageContaining("'customer-archived'")
				.hasMessageContaining("0@" + customer)
				.hasMessageContaining("@EventType(\"customer-archived\")")
				.hasMessageContaining("esdb.serialization.types.customer-archived=");

			String order = stream("order");
			template.append(order, new OrderPlaced("o", "c"), new OrderShipped("x"));
			assertThatThrownBy(() -> template.readStream(order, OrderShipped.class))
				.isInstanceOf(EsdbEventTypeMappingException.class)
				.hasMessageContaining("maps to " + OrderPlaced.class.getName());
		});
	}

	@Test
	void aPayloadJacksonCannotWriteFailsTheWholeAppendBeforeAnythingIsSent() {
		run((context) -> {
			EsdbTemplate template = context.getBean(EsdbTemplate.class);
			String order = stream("order");
			assertThatThrownBy(() -> template.append(order, new OrderPlaced("o", "c"), new Unwritable()))
				.isInstanceOf(InvalidDataAccessApiUsageException.class)
				.hasMessageContaining(Unwritable.class.getName())
				.hasMessageContaining("nothing was appended");
			assertThat(template.currentRevision(order)).isEmpty();
		});
	}

	// ---- handlers: idempotency, correlation and causation ----

	@Test
	void aRedeliveredEventMakesTheHandlersAppendsOnlyOnce() {
		run((context) -> {
			EsdbTemplate template = context.getBean(EsdbTemplate.class);
			CurrentEvent currentEvent = context.getBean(CurrentEvent.class);
			String order = stream("order");
			String shipment = stream("shipment");
			template.append(order, new OrderPlaced("o-r", "gina"));
			EventEnvelope stored = template.readStream(order, OrderEvent.class).get(0).context();

			AtomicInteger attempts = new AtomicInteger();
			Callable<Void> handler = () -> {
				template.append(shipment, StreamState.noStream(),
						List.of(new ItemAdded("pick", 1, BigDecimal.ONE), new OrderShipped("dhl")));
				if (attempts.incrementAndGet() < 3) {
					throw new IllegalStateException("crashed before the ack");
				}
				return null;
			};
			assertThatThrownBy(() -> currentEvent.callWith(delivery(stored, 0), handler))
				.hasMessage("crashed before the ack");
			// The redelivery appends with noStream again: the server sees the same ids and reports success.
			assertThatThrownBy(() -> currentEvent.callWith(delivery(stored, 1), handler))
				.hasMessage("crashed before the ack");
			currentEvent.callWith(delivery(stored, 2), handler);

			List<StoredEvent<OrderEvent>> shipped = template.readStream(shipment, OrderEvent.class);
			assertThat(shipped).extracting(StoredEvent::payload)
				.containsExactly(new ItemAdded("pick", 1, BigDecimal.ONE), new OrderShipped("dhl"));
			assertThat(shipped).extracting(StoredEvent::eventId)
				.containsExactly(EventIds.derived(stored.eventId(), shipment, 0),
						EventIds.derived(stored.eventId(), shipment, 1));
		});
	}

	@Test
	void aRedeliveryWithExpectedAnyIsAlsoWrittenOnce() {
		run((context) -> {
			EsdbTemplate template = context.getBean(EsdbTemplate.class);
			CurrentEvent currentEvent = context.getBean(CurrentEvent.class);
			String order = stream("order");
			String audit = stream("audit");
			template.append(audit, new InvoiceSent("earlier"));
			template.append(order, new OrderPlaced("o-a", "hank"));
			EventEnvelope stored = template.readStream(order, OrderEvent.class).get(0).context();
			Callable<AppendResult> handler = () -> template.append(audit, new InvoiceSent("for o-a"));

			AppendResult first = currentEvent.callWith(delivery(stored, 0), handler);
			AppendResult again = currentEvent.callWith(delivery(stored, 1), handler);
			assertThat(again.nextExpectedRevision()).isEqualTo(first.nextExpectedRevision());
			assertThat(template.readStream(audit, InvoiceSent.class)).extracting(StoredEvent::payload)
				.containsExactly(new InvoiceSent("earlier"), new InvoiceSent("for o-a"));
		});
	}

	@Test
	void twoAppendsToOneStreamFromOneHandlingGetDistinctIds() {
		run((context) -> {
			EsdbTemplate template = context.getBean(EsdbTemplate.class);
			CurrentEvent currentEvent = context.getBean(CurrentEvent.class);
			String order = stream("order");
			String audit = stream("audit");
			template.append(order, new OrderPlaced("o-t", "ivy"));
			EventEnvelope handled = delivery(template.readStream(order, OrderEvent.class).get(0).context(), 0);
			currentEvent.callWith(handled, () -> {
				template.append(audit, new InvoiceSent("one"));
				template.append(audit, new InvoiceSent("two"));
				return null;
			});
			assertThat(template.readStream(audit, InvoiceSent.class)).extracting(StoredEvent::eventId)
				.containsExactly(EventIds.derived(handled.eventId(), audit, 0),
						EventIds.derived(handled.eventId(), audit, 1));
		});
	}

	@Test
	void correlationAndCausationChainAcrossTwoHandlers() {
		run((context) -> {
			EsdbTemplate template = context.getBean(EsdbTemplate.class);
			CurrentEvent currentEvent = context.getBean(CurrentEvent.class);
			String order = stream("order");
			String stock = stream("stock");
			String shipping = stream("shipping");

			template.append(order, StreamState.noStream(),
					List.of(EventToAppend.of(new OrderPlaced("o-c", "jo")).withCorrelationId("command-42")));
			StoredEvent<OrderEvent> placed = template.readStream(order, OrderEvent.class).get(0);
			assertThat(placed.context().correlationId()).hasValue("command-42");
			assertThat(placed.context().causationId()).isEmpty();

			// Handler 1 reacts to OrderPlaced.
			currentEvent.callWith(delivery(placed.context(), 0),
					() -> template.append(stock, new ItemAdded("reserved", 1, BigDecimal.ONE)));
			StoredEvent<ItemAdded> reserved = template.readStream(stock, ItemAdded.class).get(0);
			assertThat(reserved.context().correlationId()).hasValue("command-42");
			assertThat(reserved.context().causationId()).hasValue(placed.eventId().toString());

			// Handler 2 reacts to the event handler 1 wrote.
			currentEvent.callWith(delivery(reserved.context(), 0),
					() -> template.append(shipping, new OrderShipped("dhl")));
			StoredEvent<OrderShipped> shipped = template.readStream(shipping, OrderShipped.class).get(0);
			assertThat(shipped.context().correlationId()).hasValue("command-42");
			assertThat(shipped.context().causationId()).hasValue(reserved.eventId().toString());

			// Nested handling (a handler invoking another synchronously) restores the outer event afterwards.
			String nested = stream("nested");
			currentEvent.callWith(delivery(placed.context(), 0), () -> {
				currentEvent.callWith(delivery(reserved.context(), 0), () -> template.append(nested, new InvoiceSent("inner")));
				return template.append(nested, new InvoiceSent("outer"));
			});
			assertThat(template.readStream(nested, InvoiceSent.class))
				.extracting((e) -> e.context().causationId().orElseThrow())
				.containsExactly(reserved.eventId().toString(), placed.eventId().toString());
		});
	}

	@Test
	void aHandledEventWithoutCorrelationIdStartsTheChainWithItsOwnId() {
		run((context) -> {
			EsdbTemplate template = context.getBean(EsdbTemplate.class);
			CurrentEvent currentEvent = context.getBean(CurrentEvent.class);
			String legacy = stream("legacy");
			String order = stream("order");
			appendRaw(context.getBean(KurrentDBClient.class), legacy, "order-placed",
					"{\"orderId\":\"o-l\",\"customer\":\"kim\"}");
			EventEnvelope handled = template.readStream(legacy, OrderPlaced.class).get(0).context();
			assertThat(handled.metadata()).isEmpty();
			currentEvent.callWith(delivery(handled, 0), () -> template.append(order, new OrderShipped("ups")));
			EventEnvelope written = template.readStream(order, OrderShipped.class).get(0).context();
			assertThat(written.correlationId()).hasValue(handled.eventId().toString());
			assertThat(written.causationId()).hasValue(handled.eventId().toString());
		});
	}

	@Test
	void outsideHandlersEachAppendStartsANewCorrelationUnlessOneIsGiven() {
		run((context) -> {
			EsdbTemplate template = context.getBean(EsdbTemplate.class);
			String order = stream("order");
			template.append(order, new OrderPlaced("o", "c"), new ItemAdded("a", 1, BigDecimal.ONE));
			template.append(order, EventToAppend.of(new OrderShipped("x"))
				.withCorrelationId("request-7")
				.withCausationId("command-7")
				.withMetadata("user", "lee"));
			List<EventEnvelope> events = template.readStream(order, OrderEvent.class)
				.stream()
				.map(StoredEvent::context)
				.toList();
			assertThat(events.get(0).correlationId()).isEqualTo(events.get(1).correlationId());
			assertThat(UUID.fromString(events.get(0).correlationId().orElseThrow())).isNotNull();
			assertThat(events.get(0).causationId()).isEmpty();
			assertThat(events.get(2).metadata()).containsExactlyInAnyOrderEntriesOf(Map.of("$correlationId",
					"request-7", "$causationId", "command-7", "user", "lee"));
			assertThat(events.get(2).correlationId()).isNotEqualTo(events.get(0).correlationId());
		});
	}

	@Test
	void executeTranslatesFailuresOfDirectClientCalls() {
		run((context) -> {
			EsdbTemplate template = context.getBean(EsdbTemplate.class);
			String order = stream("order");
			template.append(order, new OrderPlaced("o", "c"));
			assertThatThrownBy(() -> template.execute((client) -> client.appendToStream(order,
					io.kurrent.dbclient.AppendToStreamOptions.get().streamState(StreamState.noStream()),
					EventData.builderAsJson("x", "{}".getBytes(StandardCharsets.UTF_8)).build())))
				.isInstanceOf(EsdbWrongExpectedVersionException.class);
			assertThat(template.execute((client) -> client.readStream(order, ReadStreamOptions.get())).getEvents())
				.hasSize(1);
		});
	}

}
