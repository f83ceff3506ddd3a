package io.github.esdb.subscription;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.kurrent.dbclient.ResolvedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Subscriptions registered through the {@link SubscriptionRegistry} API, without annotations.
 */
class ProgrammaticSubscriptionIntegrationTests {

	@RegisterExtension
	static final EmbeddedServerSupport esdb = EmbeddedServerSupport.perTestClass();

	@Test
	void subscribesToAStreamAndUnsubscribes() {
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.append(stream, new OrderPlaced("a", 1));
		esdb.runner().run((context) -> {
			SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
			Recorder recorder = new Recorder();
			registry.subscribeToStream("programmatic", stream,
					(event, eventContext) -> recorder.record(event.getEvent().getEventType(), eventContext));
			await().atMost(Duration.ofSeconds(10)).until(() -> recorder.size() == 1);
			assertThat(recorder.contexts().get(0).subscriptionId()).isEqualTo("programmatic");
			assertThat(registry.snapshot("programmatic").get().kind()).isEqualTo(SubscriptionKind.CATCH_UP);
			assertThatExceptionOfType(InvalidSubscriptionException.class)
				.isThrownBy(() -> registry.subscribeToStream("programmatic", stream, (event, eventContext) -> {
				}))
				.withMessageContaining("Duplicate subscription id 'programmatic'");
			assertThat(registry.unsubscribe("programmatic", Duration.ofSeconds(5))).isTrue();
			assertThat(registry.snapshot("programmatic")).isEmpty();
			assertThat(registry.ids()).doesNotContain("programmatic");
			esdb.append(stream, new OrderPlaced("b", 2));
			Thread.sleep(500);
			assertThat(recorder.size()).isEqualTo(1);
		});
	}

	@Test
	void subscribesToAllWithAFilter() {
		String stream = EmbeddedServerSupport.unique("payments");
		esdb.runner().run((context) -> {
			SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
			Recorder recorder = new Recorder();
			registry.subscribeToAll("payments", EventFilterSpec.streamPrefixes(stream), (event, eventContext) -> recorder
				.record(event.getEvent().getStreamId() + "/" + event.getEvent().getEventType(), eventContext));
			esdb.append(stream, new OrderPlaced("a", 1), new OrderShipped("a"));
			esdb.append(EmbeddedServerSupport.unique("other"), new OrderPlaced("z", 9));
			await().atMost(Duration.ofSeconds(10)).until(() -> recorder.size() == 2);
			Thread.sleep(300);
			assertThat(recorder.received()).containsExactly(stream + "/OrderPlaced", stream + "/OrderShipped");
		});
	}

	@Test
	void observersSeeHandledSkippedAndCommittedEvents() {
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.append(stream, new OrderPlaced("a", 1), new OrderShipped("a"));
		esdb.runner().withUserConfiguration(ObserverConfiguration.class)
			// A commit after every event, however fast they come.
			.withPropertyValues("esdb.subscriptions.checkpoint.every-events=1",
					"esdb.subscriptions.checkpoint.min-interval=0")
			.run((context) -> {
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				RecordingObserver observer = context.getBean(RecordingObserver.class);
				registry.register(SubscriptionEndpoint.toStream("observed", stream).dispatcher(new EventDispatcher() {

					@Override
					public boolean dispatch(ResolvedEvent event, EventContext eventContext) {
						return eventContext.eventType().equals("OrderPlaced");
					}

					@Override
					public Optional<Set<String>> acceptedEventTypes() {
						return Optional.of(Set.of("OrderPlaced"));
					}

				}).build());
				await().atMost(Duration.ofSeconds(10)).until(() -> observer.calls.contains("committed 1"));
				assertThat(observer.calls).containsSubsequence("state STOPPED->STARTING", "state STARTING->CATCHING_UP",
						"handled OrderPlaced", "committed 0", "skipped OrderShipped", "committed 1");
				await().atMost(Duration.ofSeconds(5)).until(() -> observer.calls.contains("caughtUp"));
			});
	}

	@Test
	void stopWithATimeoutCutsOffASlowHandlerAndStartResumes() {
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.append(stream, new OrderPlaced("slow", 1), new OrderPlaced("next", 2));
		esdb.runner().withPropertyValues("esdb.subscriptions.checkpoint.store=memory").run((context) -> {
			SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
			Recorder recorder = new Recorder();
			CountDownLatch entered = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			registry.register(SubscriptionEndpoint.toStream("slow", stream).autoStartup(false).handler((event, c) -> {
				if (c.revision() == 0 && release.getCount() > 0) {
					entered.countDown();
					release.await(10, TimeUnit.SECONDS);
					return;
				}
				recorder.record(c.revision(), c);
			}).build());
			assertThat(registry.snapshot("slow").get().state()).isEqualTo(SubscriptionState.STOPPED);
			registry.start("slow");
			assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
			long started = System.nanoTime();
			assertThat(registry.stop("slow", Duration.ofMillis(300))).isFalse();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
			assertThat(registry.snapshot("slow").get().state()).isEqualTo(SubscriptionState.STOPPED);
			release.countDown();
			registry.start("slow");
			await().atMost(Duration.ofSeconds(10)).until(() -> recorder.received().contains(1L));
			assertThat(registry.stop("slow", Duration.ofSeconds(5))).isTrue();
			assertThat(registry.snapshot("slow").get().state()).isEqualTo(SubscriptionState.STOPPED);
		});
	}

	@Test
	void anObserverCanStartAFailedSubscriptionAgainFromItsFailedCallback() {
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.append(stream, new OrderPlaced("a", 1));
		esdb.runner()
			.withUserConfiguration(RestartOnFailureConfiguration.class)
			.withPropertyValues("esdb.subscriptions.catch-up.retry.max-attempts=0",
					"esdb.subscriptions.checkpoint.store=memory")
			.run((context) -> {
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				RestartOnFailure restarter = context.getBean(RestartOnFailure.class);
				Recorder recorder = new Recorder();
				AtomicInteger attempts = new AtomicInteger();
				registry.register(SubscriptionEndpoint.toStream("flaky", stream).handler((event, c) -> {
					if (attempts.incrementAndGet() == 1) {
						throw new IllegalStateException("the first attempt fails");
					}
					recorder.record(c.revision(), c);
				}).build());
				// The start() comes from the failing worker's own thread, while it is still reporting the failure.
				await().atMost(Duration.ofSeconds(20)).until(() -> recorder.received().contains(0L));
				assertThat(restarter.restarts).hasValue(1);
				await().atMost(Duration.ofSeconds(20))
					.until(() -> registry.snapshot("flaky").get().state() == SubscriptionState.LIVE);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class RestartOnFailureConfiguration {

		@Bean
		RestartOnFailure restartOnFailure(ObjectProvider<SubscriptionRegistry> registry) {
			return new RestartOnFailure(registry);
		}

	}

	static class RestartOnFailure implements SubscriptionObserver {

		final AtomicInteger restarts = new AtomicInteger();

		private final ObjectProvider<SubscriptionRegistry> registry;

		RestartOnFailure(ObjectProvider<SubscriptionRegistry> registry) {
			this.registry = registry;
		}

		@Override
		public void failed(SubscriptionSnapshot snapshot, Throwable cause) {
			if (this.restarts.getAndIncrement() == 0) {
				this.registry.getObject().start(snapshot.id());
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ObserverConfiguration {

		@Bean
		RecordingObserver recordingObserver() {
			return new RecordingObserver();
		}

	}

	static class RecordingObserver implements SubscriptionObserver {

		final List<String> calls = new CopyOnWriteArrayList<>();

		@Override
		public void stateChanged(SubscriptionSnapshot snapshot, SubscriptionState previous) {
			this.calls.add("state " + previous + "->" + snapshot.state());
		}

		@Override
		public void caughtUp(SubscriptionSnapshot snapshot) {
			this.calls.add("caughtUp");
		}

		@Override
		public void eventHandled(String subscriptionId, EventContext event, Duration duration) {
			this.calls.add("handled " + event.eventType());
		}

		@Override
		public void eventSkipped(String subscriptionId, EventContext event, String reason) {
			this.calls.add("skipped " + event.eventType());
		}

		@Override
		public void checkpointCommitted(String subscriptionId, Checkpoint checkpoint) {
			this.calls.add("committed " + checkpoint);
		}

	}

}
