package io.github.esdb.subscription;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.esdb.core.StoredEvent;
import io.github.esdb.test.OfflineContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch handler that cannot work fails start-up with a message that names the bean and the method and shows a
 * correct batch handler. No server is needed: validation happens before anything connects.
 */
class BatchHandlerValidationTests {

	private final ApplicationContextRunner runner = OfflineContextRunner.withSubscriptions();

	private void assertStartupFails(ApplicationContextRunner runner, String... fragments) {
		InvalidSubscriptionStartup.assertFails(runner, fragments);
	}

	private void assertStartupFails(Class<?> configuration, String... fragments) {
		assertStartupFails(this.runner.withUserConfiguration(configuration), fragments);
	}

	@Test
	void aListOfAJdkType() {
		assertStartupFails(ListOfStrings.class, "bean 'stringsHandler' method 'on'", "java.util.List<java.lang.String>",
				"whose elements are not payloads", "void on(List<OrderPlaced> events)");
	}

	@Test
	void aRawList() {
		assertStartupFails(RawList.class, "bean 'rawHandler' method 'on'", "whose elements are not payloads",
				"List<StoredEvent<T>>");
	}

	@Test
	void aListWithOtherParameters() {
		assertStartupFails(ListAndContext.class, "bean 'listAndContextHandler' method 'on'",
				"must be its only parameter", "void on(List<OrderPlaced> events)");
	}

	@Test
	void batchSettingsOnAHandlerOfSingleEvents() {
		assertStartupFails(BatchSizeOnSingle.class, "bean 'singleHandler' method 'on'",
				"batchSize and batchMaxWait apply to batch handlers", "void on(List<OrderPlaced> events)");
	}

	@Test
	void aBatchSizeBelowOne() {
		assertStartupFails(ZeroBatchSize.class, "bean 'zeroHandler' method 'on'", "batchSize = \"0\"",
				"batchSize = \"500\"");
	}

	@Test
	void aBatchHandlerInAProjection() {
		assertStartupFails(BatchInProjection.class, "bean 'batchProjection' method 'on'", "takes a List",
				"only a method annotated @EventSubscription can be a batch handler");
	}

	@Test
	void aBatchHandlerWithConcurrency() {
		assertStartupFails(this.runner.withUserConfiguration(Valid.class)
			.withPropertyValues("esdb.subscriptions.by-id.totals.concurrency=4"), "a batch handler with concurrency 4",
				"esdb.subscriptions.by-id.totals.concurrency=1");
	}

	@Test
	void aBadBatchSizeProperty() {
		this.runner.withUserConfiguration(Valid.class)
			.withPropertyValues("esdb.subscriptions.batch.size=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("esdb.subscriptions.batch.size"));
	}

	@Test
	void validBatchHandlersRegister() {
		this.runner.withUserConfiguration(Valid.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(SubscriptionRegistry.class).ids()).containsExactlyInAnyOrder("totals", "raw");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class ListOfStrings {

		@Bean
		Object stringsHandler() {
			return new Object() {
				@EventSubscription(stream = "orders")
				void on(List<String> events) {
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RawList {

		@Bean
		Object rawHandler() {
			return new Object() {
				@SuppressWarnings("rawtypes")
				@EventSubscription(stream = "orders")
				void on(List events) {
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ListAndContext {

		@Bean
		Object listAndContextHandler() {
			return new Object() {
				@EventSubscription(stream = "orders")
				void on(List<OrderPlaced> events, EventContext context) {
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BatchSizeOnSingle {

		@Bean
		Object singleHandler() {
			return new Object() {
				@EventSubscription(stream = "orders", batchSize = "50")
				void on(OrderPlaced event) {
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ZeroBatchSize {

		@Bean
		Object zeroHandler() {
			return new Object() {
				@EventSubscription(stream = "orders", batchSize = "0")
				void on(List<OrderPlaced> events) {
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BatchInProjection {

		@Bean
		Object batchProjection() {
			return new BatchProjection();
		}

	}

	@EventSubscription(stream = "orders")
	static class BatchProjection {

		@EventHandler
		void on(List<OrderPlaced> events) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Valid {

		@Bean
		Object validBatchHandlers() {
			return new Object() {
				@EventSubscription(id = "totals", stream = "orders", batchSize = "${totals.batch:200}",
						batchMaxWait = "250ms", autoStartup = "false")
				void on(List<OrderPlaced> events) {
				}

				@EventSubscription(id = "raw", stream = "$all", autoStartup = "false")
				void raw(List<StoredEvent<byte[]>> events) {
				}
			};
		}

	}

}
