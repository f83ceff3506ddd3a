package io.github.esdb.subscription;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.core.task.SimpleAsyncTaskExecutor;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.esdb.event.CurrentEvent;
import io.github.esdb.autoconfigure.InvalidEsdbConfigurationException;
import io.github.esdb.autoconfigure.subscription.SubscriptionAutoConfiguration;
import io.github.esdb.subscription.checkpoint.InMemoryCheckpointStore;
import io.github.esdb.subscription.checkpoint.KurrentDBCheckpointStore;
import io.github.esdb.test.OfflineContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which beans the subscription auto-configuration contributes, and that the application's own beans replace them.
 */
class SubscriptionAutoConfigurationTests {

	private final ApplicationContextRunner runner = OfflineContextRunner.withSubscriptions();

	@Test
	void contributesTheRegistryStorePoliciesAndCurrentEvent() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(SubscriptionRegistry.class);
			assertThat(context).hasSingleBean(CurrentEvent.class);
			assertThat(context).hasSingleBean(CatchUpErrorPolicy.class);
			assertThat(context).hasSingleBean(PersistentErrorPolicy.class);
			assertThat(context.getBean(CheckpointStore.class)).isInstanceOf(KurrentDBCheckpointStore.class);
			assertThat(((KurrentDBCheckpointStore) context.getBean(CheckpointStore.class)).streamOf("x"))
				.isEqualTo("$esdb-checkpoint-x");
			assertThat(context.getBean(SubscriptionRegistry.class).getPhase()).isEqualTo(SubscriptionRegistry.PHASE);
		});
	}

	@Test
	void subscriptionWorkersComeFromATaskExecutorThatAnApplicationCanReplace() {
		this.runner.withPropertyValues("spring.threads.virtual.enabled=true").run((context) -> {
			SimpleAsyncTaskExecutor executor = context.getBean(SubscriptionAutoConfiguration.SUBSCRIPTION_TASK_EXECUTOR,
					SimpleAsyncTaskExecutor.class);
			assertThat(executor.isDaemon()).isTrue();
			// Virtual threads need Java 21; on an older runtime the property is ignored, as Spring Boot does.
			CompletableFuture<Thread> worker = new CompletableFuture<>();
			executor.execute(() -> worker.complete(Thread.currentThread()));
			Thread thread = worker.get(5, TimeUnit.SECONDS);
			assertThat(thread.isDaemon()).isTrue();
			assertThat(thread.getClass().getSimpleName())
				.isEqualTo((Runtime.version().feature() >= 21) ? "VirtualThread" : "Thread");
		});
		SimpleAsyncTaskExecutor custom = new SimpleAsyncTaskExecutor("custom-");
		this.runner
			.withBean(SubscriptionAutoConfiguration.SUBSCRIPTION_TASK_EXECUTOR, SimpleAsyncTaskExecutor.class,
					() -> custom)
			.run((context) -> assertThat(context.getBean(SubscriptionAutoConfiguration.SUBSCRIPTION_TASK_EXECUTOR))
				.isSameAs(custom));
	}

	@Test
	void memoryStoreOnRequest() {
		this.runner.withPropertyValues("esdb.subscriptions.checkpoint.store=memory")
			.run((context) -> assertThat(context.getBean(CheckpointStore.class))
				.isInstanceOf(InMemoryCheckpointStore.class));
	}

	@Test
	void applicationBeansReplaceTheDefaults() {
		this.runner.withUserConfiguration(CustomBeans.class).run((context) -> {
			assertThat(context.getBean(CheckpointStore.class)).isSameAs(CustomBeans.STORE);
			assertThat(context.getBean(PersistentErrorPolicy.class)).isSameAs(CustomBeans.POLICY);
			assertThat(context.getBean(CurrentEvent.class)).isSameAs(CustomBeans.CURRENT);
		});
	}

	@Test
	void canBeSwitchedOff() {
		this.runner.withPropertyValues("esdb.subscriptions.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(SubscriptionRegistry.class));
	}

	@Test
	void valuesThatCannotWorkFailStartUpNamingThePropertyWithAnExample() {
		assertInvalid("esdb.subscriptions.subscribe-timeout=0s", "esdb.subscriptions.subscribe-timeout",
				"esdb.subscriptions.subscribe-timeout=10s");
		assertInvalid("esdb.subscriptions.catch-up.batch-size=0", "esdb.subscriptions.catch-up.batch-size",
				"esdb.subscriptions.catch-up.batch-size=512");
		assertInvalid("esdb.subscriptions.checkpoint.min-interval=-1ms", "esdb.subscriptions.checkpoint.min-interval",
				"esdb.subscriptions.checkpoint.min-interval=1s");
		assertInvalid("esdb.subscriptions.resubscribe.initial-interval=0ms",
				"esdb.subscriptions.resubscribe.initial-interval", "esdb.subscriptions.resubscribe.initial-interval=500ms");
		assertInvalid("esdb.subscriptions.resubscribe.jitter=1.5", "esdb.subscriptions.resubscribe.jitter",
				"esdb.subscriptions.resubscribe.jitter=0.2");
		assertInvalid("esdb.subscriptions.shutdown-timeout=-1s", "esdb.subscriptions.shutdown-timeout",
				"esdb.subscriptions.shutdown-timeout=10s");
	}

	private void assertInvalid(String property, String name, String example) {
		this.runner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOfSatisfying(InvalidEsdbConfigurationException.class, (ex) -> {
					assertThat(ex.getProperty()).isEqualTo(name);
					assertThat(ex.getAction()).contains(example);
				});
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomBeans {

		static final CheckpointStore STORE = new CheckpointStore() {

			@Override
			public Optional<Checkpoint> load(String subscriptionId) {
				return Optional.empty();
			}

			@Override
			public void store(String subscriptionId, Checkpoint checkpoint) {
			}

		};

		static final PersistentErrorPolicy POLICY = (endpoint, event, error) -> NackException.park("always");

		static final CurrentEvent CURRENT = new CurrentEvent();

		@Bean
		CheckpointStore projectionStore() {
			return STORE;
		}

		@Bean
		PersistentErrorPolicy myPolicy() {
			return POLICY;
		}

		@Bean
		CurrentEvent myCurrentEvent() {
			return CURRENT;
		}

	}

}
