package io.github.esdb.subscription;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.kurrent.dbclient.RecordedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.esdb.event.LogPosition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * {@link SubscriptionRegistry#reset} in a real application context against the embedded server over TCP, with the
 * default checkpoint store (checkpoint streams in KurrentDB): each kind of target replays exactly from its event, the
 * {@code @ResetHandler} runs first, and a start always loads the stored checkpoint.
 */
class ResetIntegrationTests {

	@RegisterExtension
	static final EmbeddedServerSupport esdb = EmbeddedServerSupport.perTestClass();

	private static ApplicationContextRunner runner(String stream, String allPrefix) {
		return esdb.runner()
			.withUserConfiguration(ProjectionConfiguration.class)
			.withPropertyValues("test.stream=" + stream, "test.id=" + stream, "test.prefix=" + allPrefix,
					"test.all-id=" + allPrefix);
	}

	@Test
	void aStreamSubscriptionReplaysExactlyFromEachKindOfTargetAfterItsResetHandlers() {
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.append(stream, new OrderPlaced("a", 1), new OrderPlaced("b", 2), new OrderPlaced("c", 3),
				new OrderPlaced("d", 4), new OrderPlaced("e", 5));
		List<Instant> created = esdb.read(stream).stream().map((event) -> event.getOriginalEvent().getCreated()).toList();
		runner(stream, EmbeddedServerSupport.unique("unused")).run((context) -> {
			SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
			Journal journal = context.getBean(Journal.class);
			awaitAt(registry, stream, Checkpoint.ofRevision(4));
			assertThat(journal.of(stream)).containsExactly("a", "b", "c", "d", "e");

			// The start: every event, after the bean's reset handler (it holds two subscriptions, and resets both).
			assertThat(reset(registry, journal, stream, StartPosition.START, Checkpoint.ofRevision(4)))
				.isEqualTo(Checkpoint.beforeFirst(false));
			assertThat(journal.of(stream)).containsExactly("reset " + stream + " to start", "a", "b", "c", "d", "e");

			// A revision: that event on.
			assertThat(reset(registry, journal, stream, StartPosition.revision(3), Checkpoint.ofRevision(4)))
				.isEqualTo(Checkpoint.ofRevision(2));
			assertThat(journal.of(stream)).containsExactly("reset " + stream + " to 3", "d", "e");

			// A time: the first event created at or after it; exactly at an event's time, that event.
			assertThat(reset(registry, journal, stream, StartPosition.time(created.get(2)), Checkpoint.ofRevision(4)))
				.isEqualTo(Checkpoint.ofRevision(1));
			assertThat(journal.of(stream)).containsExactly("reset " + stream + " to " + created.get(2), "c", "d", "e");
			// Just after an event's time: the next event.
			Instant justAfter = created.get(2).plusNanos(100);
			assertThat(reset(registry, journal, stream, StartPosition.time(justAfter), Checkpoint.ofRevision(4)))
				.isEqualTo(Checkpoint.ofRevision(2));
			assertThat(journal.of(stream)).containsExactly("reset " + stream + " to " + justAfter, "d", "e");
			// Before the first event: all of them.
			Instant before = created.get(0).minusMillis(1);
			assertThat(reset(registry, journal, stream, StartPosition.time(before), Checkpoint.ofRevision(4)))
				.isEqualTo(Checkpoint.beforeFirst(false));
			assertThat(journal.of(stream)).containsExactly("reset " + stream + " to " + before, "a", "b", "c", "d",
					"e");
			// After the last event: none of them, and the next one written.
			Instant after = created.get(4).plusMillis(1);
			assertThat(reset(registry, journal, stream, StartPosition.time(after), Checkpoint.ofRevision(4)))
				.isEqualTo(Checkpoint.ofRevision(4));
			esdb.append(stream, new OrderPlaced("f", 6));
			awaitAt(registry, stream, Checkpoint.ofRevision(5));
			assertThat(journal.of(stream)).containsExactly("reset " + stream + " to " + after, "f");

			// The end: none of the events so far, and the next one written.
			assertThat(reset(registry, journal, stream, StartPosition.END, Checkpoint.ofRevision(5)))
				.isEqualTo(Checkpoint.ofRevision(5));
			esdb.append(stream, new OrderPlaced("g", 7));
			awaitAt(registry, stream, Checkpoint.ofRevision(6));
			assertThat(journal.of(stream)).containsExactly("reset " + stream + " to end", "g");
			assertThat(registry.snapshot(stream).get().state()).isEqualTo(SubscriptionState.LIVE);
		});
	}

	@Test
	void anAllSubscriptionReplaysExactlyFromAPositionATimeTheStartAndTheEnd() {
		String prefix = EmbeddedServerSupport.unique("all-orders");
		String stream = prefix + "-1";
		esdb.append(stream, new OrderPlaced("a", 1), new OrderPlaced("b", 2), new OrderPlaced("c", 3));
		List<RecordedEvent> events = esdb.read(stream).stream().map((event) -> event.getOriginalEvent()).toList();
		List<LogPosition> positions = events.stream().map((event) -> LogPosition.fromClient(event.getPosition())).toList();
		Checkpoint last = Checkpoint.ofPosition(positions.get(2));
		runner(EmbeddedServerSupport.unique("unused"), prefix).run((context) -> {
			SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
			Journal journal = context.getBean(Journal.class);
			awaitAt(registry, prefix, last);
			assertThat(journal.of(prefix)).containsExactly("a", "b", "c");

			// A position: the event at it on. The checkpoint is the event before it in $all.
			assertThat(reset(registry, journal, prefix, StartPosition.position(positions.get(1)), last))
				.isEqualTo(Checkpoint.ofPosition(positions.get(0)));
			assertJournal(journal.of(prefix),
					List.of("reset " + prefix + " to " + positions.get(1), "only-all " + positions.get(1)), "b", "c");

			// A time, exactly an event's.
			Instant createdB = events.get(1).getCreated();
			assertThat(reset(registry, journal, prefix, StartPosition.time(createdB), last))
				.isEqualTo(Checkpoint.ofPosition(positions.get(0)));
			assertJournal(journal.of(prefix), List.of("reset " + prefix + " to " + createdB, "only-all " + createdB),
					"b", "c");

			// Before the first event of the log, and the start: everything.
			assertThat(reset(registry, journal, prefix, StartPosition.time(Instant.EPOCH), last))
				.isEqualTo(Checkpoint.beforeFirst(true));
			assertJournal(journal.of(prefix),
					List.of("reset " + prefix + " to " + Instant.EPOCH, "only-all " + Instant.EPOCH), "a", "b", "c");
			assertThat(reset(registry, journal, prefix, StartPosition.START, last))
				.isEqualTo(Checkpoint.beforeFirst(true));
			assertJournal(journal.of(prefix), List.of("reset " + prefix + " to start", "only-all start"), "a", "b",
					"c");

			// After the last event: none of them, and the next one written.
			Instant future = Instant.now().plusSeconds(60);
			Checkpoint afterLast = reset(registry, journal, prefix, StartPosition.time(future), last);
			assertThat(last.isAfter(afterLast)).isFalse();
			esdb.append(stream, new OrderPlaced("d", 4));
			await().atMost(EmbeddedServerSupport.wait(10)).until(() -> journal.of(prefix).contains("d"));
			assertJournal(journal.of(prefix), List.of("reset " + prefix + " to " + future, "only-all " + future), "d");

			// The end.
			Checkpoint atEnd = registry.snapshot(prefix).get().position();
			journal.clear(prefix);
			registry.reset(prefix, StartPosition.END);
			esdb.append(stream, new OrderPlaced("e", 5));
			await().atMost(EmbeddedServerSupport.wait(10)).until(() -> journal.of(prefix).contains("e"));
			assertJournal(journal.of(prefix), List.of("reset " + prefix + " to end", "only-all end"), "e");
			assertThat(registry.snapshot(prefix).get().position().isAfter(atEnd)).isTrue();
		});
	}

	@Test
	void aStoppedSubscriptionStaysStoppedAfterAResetAndItsNextStartReplays() {
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.append(stream, new OrderPlaced("a", 1), new OrderPlaced("b", 2));
		runner(stream, EmbeddedServerSupport.unique("unused")).run((context) -> {
			SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
			Journal journal = context.getBean(Journal.class);
			awaitAt(registry, stream, Checkpoint.ofRevision(1));
			registry.stop(stream);
			journal.clear(stream);
			assertThat(registry.reset(stream, StartPosition.revision(1))).isEqualTo(Checkpoint.ofRevision(0));
			assertThat(registry.snapshot(stream).get().state()).isEqualTo(SubscriptionState.STOPPED);
			assertThat(journal.of(stream)).containsExactly("reset " + stream + " to 1");
			registry.start(stream);
			awaitAt(registry, stream, Checkpoint.ofRevision(1));
			assertThat(journal.of(stream)).containsExactly("reset " + stream + " to 1", "b");
		});
	}

	@Test
	void aStartAfterTheCheckpointWasDeletedWhileStoppedReplaysEverything() throws Exception {
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.append(stream, new OrderPlaced("a", 1), new OrderPlaced("b", 2), new OrderPlaced("c", 3));
		runner(stream, EmbeddedServerSupport.unique("unused")).run((context) -> {
			SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
			Journal journal = context.getBean(Journal.class);
			awaitAt(registry, stream, Checkpoint.ofRevision(2));
			assertThat(registry.stop(stream)).isTrue();
			// The graceful stop stored revision 2; deleting it is the documented way to rebuild without a reset.
			assertThat(esdb.read("$esdb-checkpoint-" + stream)).isNotEmpty();
			esdb.client.deleteStream("$esdb-checkpoint-" + stream).get(10, TimeUnit.SECONDS);
			journal.clear(stream);
			registry.start(stream);
			awaitAt(registry, stream, Checkpoint.ofRevision(2));
			assertThat(journal.of(stream)).containsExactly("a", "b", "c");
		});
	}

	@Test
	void aPersistentSubscriptionCannotBeResetAndIsToldWhatToDoInstead() {
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.runner()
			.withUserConfiguration(PersistentConfiguration.class)
			.withPropertyValues("test.stream=" + stream)
			.run((context) -> {
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				assertThatIllegalStateException().isThrownBy(() -> registry.reset("invoicing", StartPosition.START))
					.withMessageContaining("Subscription 'invoicing' is persistent")
					.withMessageContaining("deleteGroup(\"invoicing\")")
					.withMessageContaining("from = \"start\"");
				assertThat(context.getBean(Journal.class).of("invoicing")).isEmpty();
			});
	}

	/**
	 * What a subscription's journal holds after a reset: its reset handlers' entries (in any order), then the events.
	 */
	private static void assertJournal(List<String> journal, List<String> resets, String... events) {
		assertThat(journal).hasSize(resets.size() + events.length);
		assertThat(journal.subList(0, resets.size())).containsExactlyInAnyOrderElementsOf(resets);
		assertThat(journal.subList(resets.size(), journal.size())).containsExactly(events);
	}

	/**
	 * Reset a running subscription after clearing the journal, and wait until it is back at the last position (and
	 * so has replayed everything it replays).
	 */
	private static Checkpoint reset(SubscriptionRegistry registry, Journal journal, String id, StartPosition to,
			Checkpoint last) {
		journal.clear(id);
		Checkpoint checkpoint = registry.reset(id, to);
		awaitAt(registry, id, last);
		return checkpoint;
	}

	private static void awaitAt(SubscriptionRegistry registry, String id, Checkpoint position) {
		await().atMost(EmbeddedServerSupport.wait(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
			SubscriptionSnapshot snapshot = registry.snapshot(id).get();
			// At or after: the server's checkpoints of a filtered $all subscription move it past its last event.
			return snapshot.position() != null && !position.isAfter(snapshot.position())
					&& snapshot.state() == SubscriptionState.LIVE;
		});
	}

	/** What each subscription received and reset, in order. */
	static class Journal {

		private final Map<String, List<String>> entries = new ConcurrentHashMap<>();

		void add(String id, String entry) {
			this.entries.computeIfAbsent(id, (key) -> new CopyOnWriteArrayList<>()).add(entry);
		}

		List<String> of(String id) {
			return new ArrayList<>(this.entries.getOrDefault(id, List.of()));
		}

		void clear(String id) {
			this.entries.remove(id);
		}

	}

	/** One bean, two subscriptions: a reset handler for both and one for the {@code $all} subscription only. */
	static class OrderProjection {

		private final Journal journal;

		OrderProjection(Journal journal) {
			this.journal = journal;
		}

		@EventSubscription(id = "${test.id}", stream = "${test.stream}")
		void onStream(OrderPlaced event, EventContext context) {
			this.journal.add(context.subscriptionId(), event.orderId());
		}

		@EventSubscription(id = "${test.all-id}", stream = "$all", streamPrefixes = "${test.prefix}")
		void onAll(OrderPlaced event, EventContext context) {
			this.journal.add(context.subscriptionId(), event.orderId());
		}

		@ResetHandler
		void clear(StartPosition to, String subscriptionId) {
			this.journal.add(subscriptionId, "reset " + subscriptionId + " to " + to);
		}

		@ResetHandler(subscriptions = "${test.all-id}")
		void clearAllOnly(String subscriptionId, StartPosition to) {
			this.journal.add(subscriptionId, "only-all " + to);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ProjectionConfiguration {

		@Bean
		Journal journal() {
			return new Journal();
		}

		@Bean
		OrderProjection orderProjection(Journal journal) {
			return new OrderProjection(journal);
		}

	}

	static class Invoicing {

		private final Journal journal;

		Invoicing(Journal journal) {
			this.journal = journal;
		}

		@EventSubscription(id = "invoicing", stream = "${test.stream}", group = "invoicing", autoStartup = "false")
		void on(OrderPlaced event) {
		}

		@ResetHandler
		void clear() {
			this.journal.add("invoicing", "reset");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PersistentConfiguration {

		@Bean
		Journal journal() {
			return new Journal();
		}

		@Bean
		Invoicing invoicing(Journal journal) {
			return new Invoicing(journal);
		}

	}

}
