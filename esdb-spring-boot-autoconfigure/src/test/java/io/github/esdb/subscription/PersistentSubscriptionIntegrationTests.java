package io.github.esdb.subscription;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.kurrent.dbclient.CreatePersistentSubscriptionToStreamOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.PersistentSubscriptionToStreamInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import io.github.esdb.subscription.event.SubscriptionStoppedEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Persistent subscriptions against the embedded server: acks, each {@link NackException} action and its effect on
 * the server (parked count, retry count, redelivery), poison events and the default exception policy.
 */
class PersistentSubscriptionIntegrationTests {

	private static final String GROUP = "workers";

	@RegisterExtension
	static final EmbeddedServerSupport esdb = EmbeddedServerSupport.perTestClass();

	private static PersistentSubscriptionToStreamInfo info(String stream) {
		return esdb.existingGroup(stream, GROUP);
	}

	/** The {@link Worker} group on the stream. */
	private static ApplicationContextRunner workers(String stream) {
		return esdb.runner().withUserConfiguration(WorkerConfiguration.class).withPropertyValues("test.stream=" + stream);
	}

	private static long parked(String stream) throws Exception {
		return info(stream).getStats().getParkedMessageCount();
	}

	@Test
	void createsTheGroupWithTheAnnotationSettingsAndAcksHandledEvents() throws Exception {
		String stream = EmbeddedServerSupport.unique("jobs");
		esdb.append(stream, new OrderPlaced("a", 1), new OrderPlaced("b", 2));
		workers(stream).run((context) -> {
			Worker worker = context.getBean(Worker.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> worker.handled.size() == 2);
			assertThat(worker.handled).containsExactly("a", "b");
			PersistentSubscriptionToStreamInfo info = info(stream);
			assertThat(info.getSettings().getMaxRetryCount()).isEqualTo(2);
			assertThat(info.getSettings().getNamedConsumerStrategy().isDispatchToSingle()).isTrue();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> esdb.groupShows(stream, GROUP, (group) -> group.getStats().getTotalInFlightMessages() == 0));
			SubscriptionSnapshot snapshot = context.getBean(SubscriptionRegistry.class).snapshot("worker").get();
			assertThat(snapshot.kind()).isEqualTo(SubscriptionKind.PERSISTENT);
			assertThat(snapshot.group()).isEqualTo(GROUP);
			assertThat(snapshot.state()).isEqualTo(SubscriptionState.LIVE);
			assertThat(snapshot.handled()).isEqualTo(2);
			assertThat(worker.retryCounts).containsOnly(0);
		});
		// A second application start finds the group (ALREADY_EXISTS is fine) and gets only new events.
		esdb.append(stream, new OrderPlaced("c", 3));
		workers(stream).run((context) -> {
			Worker worker = context.getBean(Worker.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> worker.handled.size() == 1);
			Thread.sleep(300);
			assertThat(worker.handled).containsExactly("c");
		});
	}

	@Test
	void handlersRunOnTheClientsThreadUnlessTheWorkerIsAskedForAndEveryEventIsAcked() {
		for (String handlerThread : List.of("client", "worker")) {
			String stream = EmbeddedServerSupport.unique("jobs-" + handlerThread);
			esdb.append(stream, new OrderPlaced("a", 1), new OrderPlaced("b", 2), new OrderPlaced("c", 3));
			workers(stream).withPropertyValues("esdb.subscriptions.persistent.handler-thread=" + handlerThread)
				.run((context) -> {
					Worker worker = context.getBean(Worker.class);
					await().atMost(Duration.ofSeconds(10)).until(() -> worker.handled.size() == 3);
					assertThat(worker.handled).containsExactly("a", "b", "c");
					// Fewer events than an ack batch: they are acked by time while the subscription runs.
					await().atMost(Duration.ofSeconds(10))
						.until(() -> esdb.groupShows(stream, GROUP,
								(group) -> group.getStats().getTotalInFlightMessages() == 0));
					if (handlerThread.equals("client")) {
						assertThat(worker.threads).noneMatch((name) -> name.startsWith("esdb-subscription-"));
					}
					else {
						assertThat(worker.threads).containsOnly("esdb-subscription-worker");
					}
				});
		}
	}

	@Test
	void nackParkMovesTheEventToTheParkedStream() throws Exception {
		String stream = EmbeddedServerSupport.unique("jobs");
		esdb.append(stream, new OrderPlaced("park", 1), new OrderPlaced("ok", 2));
		workers(stream).run((context) -> {
			Worker worker = context.getBean(Worker.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> worker.handled.contains("ok"));
			// The group may not exist yet at the first look.
			await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> parked(stream) == 1);
			assertThat(worker.deliveries).containsExactly("park#0", "ok#0");
			assertThat(context.getBean(SubscriptionRegistry.class).snapshot("worker").get().nacked()).isEqualTo(1);
		});
	}

	@Test
	void nackRetryHasTheServerDeliverTheEventAgainWithItsRetryCount() {
		String stream = EmbeddedServerSupport.unique("jobs");
		esdb.append(stream, new OrderPlaced("retry-once", 1));
		workers(stream).run((context) -> {
			Worker worker = context.getBean(Worker.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> worker.handled.contains("retry-once"));
			assertThat(worker.deliveries).containsExactly("retry-once#0", "retry-once#1");
			assertThat(parked(stream)).isZero();
		});
	}

	@Test
	void nackSkipDropsTheEventWithoutParkingOrRedelivery() throws Exception {
		String stream = EmbeddedServerSupport.unique("jobs");
		esdb.append(stream, new OrderPlaced("skip", 1), new OrderPlaced("ok", 2));
		workers(stream).run((context) -> {
			Worker worker = context.getBean(Worker.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> worker.handled.contains("ok"));
			Thread.sleep(500);
			assertThat(worker.deliveries).containsExactly("skip#0", "ok#0");
			assertThat(parked(stream)).isZero();
			assertThat(context.getBean(SubscriptionRegistry.class).snapshot("worker").get().skipped()).isEqualTo(1);
		});
	}

	@Test
	void nackStopAlsoStopsTheSubscriptionLocally() {
		String stream = EmbeddedServerSupport.unique("jobs");
		esdb.append(stream, new OrderPlaced("stop", 1), new OrderPlaced("after", 2));
		workers(stream).run((context) -> {
			Worker worker = context.getBean(Worker.class);
			SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> registry.snapshot("worker").get().state() == SubscriptionState.STOPPED);
			Thread.sleep(300);
			assertThat(worker.handled).doesNotContain("after");
			assertThat(registry.snapshot("worker").get().lastError()).contains("stopped by test");
			assertThat(context.getBean(SubscriptionEventsRecorder.class).of(SubscriptionStoppedEvent.class))
				.isNotEmpty();
		});
	}

	@Test
	void anEventWhoseHandlerAskedToStopIsDeliveredAgainOnceTheSubscriptionStarts() {
		String stream = EmbeddedServerSupport.unique("jobs");
		esdb.append(stream, new OrderPlaced("stop-once", 1), new OrderPlaced("after", 2));
		workers(stream).run((context) -> {
			Worker worker = context.getBean(Worker.class);
			SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> registry.snapshot("worker").get().state() == SubscriptionState.STOPPED);
			assertThat(worker.handled).isEmpty();

			registry.start("worker");
			// The group's message timeout is 30 s: the redelivery comes from the consumer having gone.
			await().atMost(Duration.ofSeconds(10)).until(() -> worker.handled.size() == 2);
			assertThat(worker.handled).containsExactly("stop-once", "after");
			// "after" was in flight to the stopped consumer too, so it comes back as a retry as well.
			assertThat(worker.deliveries).startsWith("stop-once#0", "stop-once#1").hasSize(3);
			assertThat(parked(stream)).isZero();
		});
	}

	@Test
	void otherExceptionsAreRetriedByDefaultUntilTheServerParksTheEvent() {
		String stream = EmbeddedServerSupport.unique("jobs");
		esdb.append(stream, new OrderPlaced("boom", 1), new OrderPlaced("ok", 2));
		workers(stream).run((context) -> {
			Worker worker = context.getBean(Worker.class);
			// The group may not exist yet at the first look.
			await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> parked(stream) == 1);
			// maxRetryCount = 2: the first delivery and two retries, then the server parks it.
			assertThat(worker.deliveries.stream().filter((d) -> d.startsWith("boom")).toList())
				.containsExactly("boom#0", "boom#1", "boom#2");
			assertThat(worker.handled).contains("ok");
			assertThat(context.getBean(SubscriptionRegistry.class).snapshot("worker").get().failed()).isEqualTo(3);
		});
	}

	@Test
	void aPoisonEventIsParkedAtOnce() {
		String stream = EmbeddedServerSupport.unique("jobs");
		esdb.append(stream, EventData.builderAsJson("OrderPlaced", "{not json".getBytes()).build(),
				new OrderPlaced("ok", 2));
		workers(stream).run((context) -> {
			Worker worker = context.getBean(Worker.class);
			// The group may not exist yet at the first look.
			await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> parked(stream) == 1);
			await().atMost(Duration.ofSeconds(10)).until(() -> worker.handled.contains("ok"));
			// The handler never saw it and the server did not retry it.
			assertThat(worker.deliveries).containsExactly("ok#0");
			SubscriptionSnapshot snapshot = context.getBean(SubscriptionRegistry.class).snapshot("worker").get();
			assertThat(snapshot.nacked()).isEqualTo(1);
			assertThat(snapshot.lastError()).contains("Cannot read event type 'OrderPlaced'");
		});
	}

	@Test
	void aGroupCreatedByAnotherInstanceIsUsedAsItIs() throws Exception {
		String stream = EmbeddedServerSupport.unique("jobs");
		esdb.persistentSubscriptions().createToStream(stream, GROUP, CreatePersistentSubscriptionToStreamOptions.get().fromStart())
			.get(5, TimeUnit.SECONDS);
		esdb.append(stream, new OrderPlaced("a", 1));
		workers(stream).run((context) -> {
			Worker worker = context.getBean(Worker.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> worker.handled.contains("a"));
			// The existing group kept its own settings.
			assertThat(info(stream).getSettings().getMaxRetryCount()).isEqualTo(10);
		});
	}

	@Test
	void withoutAutoCreateTheSubscriptionWaitsForTheGroup() throws Exception {
		String stream = EmbeddedServerSupport.unique("jobs");
		esdb.append(stream, new OrderPlaced("a", 1));
		esdb.runner().withUserConfiguration(WorkerConfiguration.class)
			.withPropertyValues("test.stream=" + stream, "esdb.subscriptions.persistent.auto-create=false")
			.run((context) -> {
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> registry.snapshot("worker").get().state() == SubscriptionState.RECONNECTING);
				esdb.persistentSubscriptions().createToStream(stream, GROUP, CreatePersistentSubscriptionToStreamOptions.get().fromStart())
					.get(5, TimeUnit.SECONDS);
				Worker worker = context.getBean(Worker.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> worker.handled.contains("a"));
			});
	}

	@Test
	void allGroupIsCreatedWithAFilterOnTheHandlersEventTypes() throws Exception {
		String orderId = EmbeddedServerSupport.unique("all");
		esdb.runner().withUserConfiguration(AllWorker.class)
			.withPropertyValues("test.group=" + orderId)
			.run((context) -> {
				AllWorker worker = context.getBean(AllWorker.class);
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> registry.snapshot("all-worker").get().state() == SubscriptionState.LIVE);
				esdb.append(EmbeddedServerSupport.unique("noise"),
						EventData.builderAsJson("Noise", "{}".getBytes()).build());
				esdb.append(EmbeddedServerSupport.unique("shipping"), new OrderShipped(orderId));
				await().atMost(Duration.ofSeconds(10)).until(() -> worker.shipped.contains(orderId));
				Thread.sleep(300);
				// The server filtered: no other event type reached the consumer, so nothing was skipped locally.
				assertThat(registry.snapshot("all-worker").get().skipped()).isZero();
				assertThat(esdb.persistentSubscriptions().getInfoToAll(orderId).get(5, TimeUnit.SECONDS)).isPresent();
			});
	}

	@Test
	void theServerRestartingLosesNoEvent() throws Exception {
		try (EmbeddedServerSupport own = new EmbeddedServerSupport()) {
			String stream = EmbeddedServerSupport.unique("jobs");
			Object[] first = new Object[100];
			for (int i = 0; i < first.length; i++) {
				first[i] = new OrderPlaced("o-" + i, i);
			}
			own.append(stream, first);
			own.runner().withUserConfiguration(WorkerConfiguration.class)
				.withPropertyValues("test.stream=" + stream, "esdb.max-discover-attempts=2")
				.run((context) -> {
					Worker worker = context.getBean(Worker.class);
					await().atMost(Duration.ofSeconds(10)).until(() -> worker.handled.size() >= 20);
					own.server.stop();
					Thread.sleep(1500);
					own.server.start();
					try (CatchUpSubscriptionIntegrationTests.WriterClient writer =
							new CatchUpSubscriptionIntegrationTests.WriterClient(own)) {
						EventData[] second = new EventData[100];
						for (int i = 0; i < second.length; i++) {
							second[i] = EmbeddedServerSupport.event(new OrderPlaced("o-" + (100 + i), i));
						}
						writer.client.appendToStream(stream, second).get(10, TimeUnit.SECONDS);
					}
					await().atMost(Duration.ofSeconds(30))
						.until(() -> java.util.Set.copyOf(worker.handled).size() == 200);
					assertThat(context.getBean(SubscriptionRegistry.class).snapshot("worker").get().reconnects())
						.isGreaterThanOrEqualTo(1);
				});
		}
	}

	@Test
	void gracefulShutdownAcksTheInFlightEvent() throws Exception {
		String stream = EmbeddedServerSupport.unique("jobs");
		esdb.append(stream, new OrderPlaced("slow", 1));
		var runner = esdb.runner().withUserConfiguration(WorkerConfiguration.class)
			.withPropertyValues("test.stream=" + stream);
		runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> worker.deliveries.contains("slow#0"));
			// Leaving the lambda closes the context while the handler sleeps.
		});
		// The handler finished and its event was acked before the subscription was cancelled: nothing is redelivered.
		runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> context.getBean(SubscriptionRegistry.class).snapshot("worker").get().state()
						== SubscriptionState.LIVE);
			Thread.sleep(1000);
			assertThat(worker.deliveries).isEmpty();
		});
		assertThat(info(stream).getStats().getParkedMessageCount()).isZero();
	}

	@EventSubscription(id = "all-worker", stream = "$all", group = "${test.group}", from = "end")
	static class AllWorker {

		final List<String> shipped = new CopyOnWriteArrayList<>();

		@EventHandler
		void on(OrderShipped event) {
			this.shipped.add(event.orderId());
		}

	}

	/** The {@link Worker} and the recorder of the subscription events it publishes. */
	@Configuration(proxyBeanMethods = false)
	@Import({ RecordersConfiguration.class, Worker.class })
	static class WorkerConfiguration {

	}

	static class Worker {

		final List<String> deliveries = new CopyOnWriteArrayList<>();

		final List<String> handled = new CopyOnWriteArrayList<>();

		final List<Integer> retryCounts = new CopyOnWriteArrayList<>();

		final List<String> threads = new CopyOnWriteArrayList<>();

		@EventSubscription(id = "worker", stream = "${test.stream}", group = "workers", from = "start",
				maxRetryCount = 2, messageTimeout = "30s", consumerStrategy = "DispatchToSingle")
		void on(OrderPlaced order, EventContext context) {
			this.deliveries.add(order.orderId() + "#" + context.retryCount());
			this.retryCounts.add(context.retryCount());
			this.threads.add(Thread.currentThread().getName());
			switch (order.orderId()) {
				case "park" -> throw NackException.park("parked by test");
				case "skip" -> throw NackException.skip("skipped by test");
				case "stop" -> throw NackException.stop("stopped by test");
				case "stop-once" -> {
					if (context.retryCount() == 0) {
						throw NackException.stop("stopped once by test");
					}
				}
				case "boom" -> throw new IllegalStateException("boom");
				case "slow" -> sleep(1500);
				case "retry-once" -> {
					if (context.retryCount() == 0) {
						throw NackException.retry("try again");
					}
				}
				default -> {
				}
			}
			this.handled.add(order.orderId());
		}

		private static void sleep(long millis) {
			try {
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

	}

}
