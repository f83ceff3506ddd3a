package io.github.esdb.subscription;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.esdb.test.OfflineContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Start-up fails with a message that names the bean, the method and the fix. No server is needed: validation happens
 * before anything connects.
 */
class SubscriptionValidationTests {

	private final ApplicationContextRunner runner = OfflineContextRunner.withSubscriptions();

	private void assertStartupFails(Class<?> configuration, String... fragments) {
		InvalidSubscriptionStartup.assertFails(this.runner.withUserConfiguration(configuration), fragments);
	}

	@Test
	void subscriptionWithoutStream() {
		assertStartupFails(NoStream.class, "bean 'noStreamHandler' method 'on'", "has no stream",
				"stream = \"$all\"");
	}

	@Test
	void handlerWithTwoPayloads() {
		assertStartupFails(TwoPayloads.class, "bean 'twoPayloadsHandler' method 'on'", "two payload parameters",
				"OrderPlaced", "OrderShipped");
	}

	@Test
	void handlerWithUnsupportedParameter() {
		assertStartupFails(UnsupportedParameter.class, "bean 'unsupportedHandler' method 'on'",
				"unsupported type java.lang.String", "EventContext");
	}

	@Test
	void duplicateSubscriptionId() {
		assertStartupFails(DuplicateId.class, "Duplicate subscription id 'orders'", "bean 'first' method 'on'",
				"bean 'second' method 'handle'", "another id");
	}

	@Test
	void eventHandlerOutsideASubscribedClass() {
		assertStartupFails(StrayEventHandler.class, "bean 'strayHandler' method 'on'",
				"is not annotated @EventSubscription", "annotate the class");
	}

	@Test
	void unknownCheckpointStore() {
		assertStartupFails(UnknownCheckpointStore.class, "bean 'unknownStoreHandler' method 'on'",
				"checkpointStore = \"projectionStore\"", "esdbCheckpointStore");
	}

	@Test
	void badFromValue() {
		assertStartupFails(BadFrom.class, "bean 'badFromHandler' method 'on'", "bad from = \"yesterday\"",
				"use start, end, a stream revision");
	}

	@Test
	void allPositionOnAStreamSubscription() {
		assertStartupFails(AllPositionOnStream.class, "bean 'positionHandler' method 'on'", "C:10/P:10",
				"use a stream revision");
	}

	@Test
	void filterOnAStreamSubscription() {
		assertStartupFails(FilterOnStream.class, "bean 'filterHandler' method 'on'", "apply to $all only");
	}

	@Test
	void persistentSettingOnACatchUpSubscription() {
		assertStartupFails(PersistentSettingOnCatchUp.class, "bean 'settingHandler' method 'on'",
				"persistent subscriptions only");
	}

	@Test
	void twoHandlersForOneEventType() {
		assertStartupFails(AmbiguousProjection.class, "bean 'ambiguousProjection' method", "both handle event type "
				+ "'OrderPlaced'");
	}

	@Test
	void validSubscriptionsStartAndAreRegistered() {
		this.runner.withUserConfiguration(Valid.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(SubscriptionRegistry.class).ids()).containsExactly("validHandler.on");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class NoStream {

		@Bean
		Object noStreamHandler() {
			return new Object() {
				@EventSubscription
				void on(OrderPlaced event) {
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoPayloads {

		@Bean
		Object twoPayloadsHandler() {
			return new Object() {
				@EventSubscription(stream = "orders")
				void on(OrderPlaced placed, OrderShipped shipped) {
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnsupportedParameter {

		@Bean
		Object unsupportedHandler() {
			return new Object() {
				@EventSubscription(stream = "orders")
				void on(OrderPlaced placed, String text) {
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DuplicateId {

		@Bean
		Object first() {
			return new Object() {
				@EventSubscription(id = "orders", stream = "orders")
				void on(OrderPlaced placed) {
				}
			};
		}

		@Bean
		Object second() {
			return new Object() {
				@EventSubscription(id = "orders", stream = "orders")
				void handle(OrderShipped shipped) {
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class StrayEventHandler {

		@Bean
		Object strayHandler() {
			return new Object() {
				@EventHandler
				void on(OrderPlaced placed) {
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnknownCheckpointStore {

		@Bean
		Object unknownStoreHandler() {
			return new Object() {
				@EventSubscription(stream = "orders", checkpointStore = "projectionStore")
				void on(OrderPlaced placed) {
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadFrom {

		@Bean
		Object badFromHandler() {
			return new Object() {
				@EventSubscription(stream = "orders", from = "yesterday")
				void on(OrderPlaced placed) {
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AllPositionOnStream {

		@Bean
		Object positionHandler() {
			return new Object() {
				@EventSubscription(stream = "orders", from = "C:10/P:10")
				void on(OrderPlaced placed) {
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FilterOnStream {

		@Bean
		Object filterHandler() {
			return new Object() {
				@EventSubscription(stream = "orders", eventTypePrefixes = "Order")
				void on(OrderPlaced placed) {
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PersistentSettingOnCatchUp {

		@Bean
		Object settingHandler() {
			return new Object() {
				@EventSubscription(stream = "orders", maxRetryCount = 3)
				void on(OrderPlaced placed) {
				}
			};
		}

	}

	@EventSubscription(stream = "orders")
	static class Ambiguous {

		@EventHandler
		void first(OrderPlaced placed) {
		}

		@EventHandler
		void second(OrderPlaced placed, EventContext context) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AmbiguousProjection {

		@Bean
		Ambiguous ambiguousProjection() {
			return new Ambiguous();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Valid {

		@Bean
		Object validHandler() {
			return new Object() {
				@EventSubscription(stream = "orders", autoStartup = "false")
				void on(OrderPlaced placed) {
				}
			};
		}

	}

}
