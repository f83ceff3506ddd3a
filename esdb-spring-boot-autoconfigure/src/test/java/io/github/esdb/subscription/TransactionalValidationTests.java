package io.github.esdb.subscription;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.autoconfigure.serialization.EsdbSerializationAutoConfiguration;
import io.github.esdb.autoconfigure.subscription.JdbcCheckpointStoreAutoConfiguration;
import io.github.esdb.autoconfigure.subscription.SubscriptionAutoConfiguration;
import io.github.esdb.test.OfflineContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A transactional subscription that cannot be exactly once fails start-up with a message that says why and what to
 * change; nothing falls back to at least once. Real contexts on H2; no KurrentDB is needed, as the checks run before
 * anything connects.
 */
@ExtendWith(OutputCaptureExtension.class)
class TransactionalValidationTests {

	private final ApplicationContextRunner runner = OfflineContextRunner.withSubscriptions()
		.withConfiguration(AutoConfigurations.of(JdbcCheckpointStoreAutoConfiguration.class,
				JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class));

	private final ApplicationContextRunner withDataSource = this.runner.withConfiguration(
			AutoConfigurations.of(DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class));

	private static void assertFails(ApplicationContextRunner runner, String... fragments) {
		InvalidSubscriptionStartup.assertFails(runner, fragments);
	}

	@Test
	void aStoreThatCannotJoinTheTransaction() {
		assertFails(this.withDataSource.withUserConfiguration(Transactional.class),
				"bean 'orders' method 'on': transactional (exactly once), but its checkpoint store "
						+ "(KurrentDBCheckpointStore) cannot write in the handler's transaction",
				"esdb.subscriptions.checkpoint.store=jdbc", "esdb.subscriptions.by-id.orders.checkpoint-store=jdbc");
	}

	@Test
	void aStoreOnAnotherDataSourceThanTheTransactionManager() {
		assertFails(
				this.runner.withUserConfiguration(TwoDataSources.class)
					.withPropertyValues("esdb.subscriptions.checkpoint.store=jdbc",
							"esdb.subscriptions.by-id.orders.transaction-manager=otherTransactionManager"),
				"bean 'orders' method 'on': transactional (exactly once), but the checkpoint table esdb_checkpoint is "
						+ "on DataSource",
				"manages DataSource", "the checkpoint would commit separately from the handler",
				"name the transaction manager of that DataSource with transactionManager");
	}

	@Test
	void noTransactionManager() {
		assertFails(
				this.runner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
					.withUserConfiguration(Transactional.class)
					.withPropertyValues("esdb.subscriptions.checkpoint.store=jdbc"),
				"transactional (exactly once), but there is no PlatformTransactionManager bean");
	}

	@Test
	void severalTransactionManagersAndNoneIsPrimary() {
		assertFails(
				this.withDataSource.withUserConfiguration(Transactional.class, TwoTransactionManagers.class)
					.withPropertyValues("esdb.subscriptions.checkpoint.store=jdbc"),
				"there are 2 PlatformTransactionManager beans [first, second] and none is @Primary",
				"transactionManager = \"...\"");
	}

	@Test
	void anUnknownTransactionManager() {
		assertFails(
				this.withDataSource.withUserConfiguration(Transactional.class)
					.withPropertyValues("esdb.subscriptions.checkpoint.store=jdbc",
							"esdb.subscriptions.by-id.orders.transaction-manager=nope"),
				"transactionManager = \"nope\" is not a PlatformTransactionManager bean; known: [transactionManager]");
	}

	@Test
	void transactionalWithConcurrencyAndAStoreWithoutPartitionPositions() {
		assertFails(
				this.withDataSource.withUserConfiguration(Transactional.class, SinglePositionStore.class)
					.withPropertyValues("esdb.subscriptions.concurrency=4"),
				"transactional (exactly once) with concurrency 4, but its checkpoint store",
				"keeps no position per partition", "esdb.subscriptions.checkpoint.store=jdbc",
				"esdb.subscriptions.by-id.orders.concurrency=1");
	}

	@Test
	void transactionalWithConcurrencyAndTheJdbcStoreStarts() {
		this.withDataSource.withUserConfiguration(Transactional.class)
			.withPropertyValues("esdb.subscriptions.checkpoint.store=jdbc", "esdb.subscriptions.concurrency=4")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	/** A store that joins transactions but keeps one position per subscription only. */
	@Configuration(proxyBeanMethods = false)
	static class SinglePositionStore {

		@Bean
		TransactionalCheckpointStore checkpointStore(javax.sql.DataSource dataSource) {
			io.github.esdb.subscription.checkpoint.JdbcCheckpointStore jdbc = new io.github.esdb.subscription.checkpoint.JdbcCheckpointStore(
					dataSource);
			return new TransactionalCheckpointStore() {

				@Override
				public java.util.Optional<Checkpoint> load(String subscriptionId) {
					return jdbc.load(subscriptionId);
				}

				@Override
				public void store(String subscriptionId, Checkpoint checkpoint) {
					jdbc.store(subscriptionId, checkpoint);
				}

				@Override
				public String cannotJoin(org.springframework.transaction.PlatformTransactionManager manager) {
					return jdbc.cannotJoin(manager);
				}

				@Override
				public boolean storeIfBehind(String subscriptionId, Checkpoint checkpoint) {
					return jdbc.storeIfBehind(subscriptionId, checkpoint);
				}

			};
		}

	}

	@Test
	void transactionalPersistentSubscription() {
		assertFails(this.withDataSource.withUserConfiguration(Persistent.class)
			.withPropertyValues("test.transactional=true"),
				"bean 'invoices' method 'on'", "applies to catch-up subscriptions", "kept by the server");
		assertFails(
				this.withDataSource.withUserConfiguration(Persistent.class)
					.withPropertyValues("esdb.subscriptions.by-id.invoices.transactional=true"),
				"bean 'invoices' method 'on': transactional (exactly once) applies to catch-up subscriptions");
	}

	@Test
	void theTransactionalAttributeMustBeABoolean() {
		assertFails(this.withDataSource.withUserConfiguration(Transactional.class)
			.withPropertyValues("test.transactional=yes"), "transactional = \"yes\" is neither true nor false");
	}

	@Test
	void aTransactionalSubscriptionOnTheJdbcStoreAndTheDataSourcesTransactionManagerStarts() {
		this.withDataSource.withUserConfiguration(Transactional.class)
			.withPropertyValues("esdb.subscriptions.checkpoint.store=jdbc", "esdb.subscriptions.enabled=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(SubscriptionRegistry.class).ids()).containsExactly("orders");
			});
	}

	@Test
	void theStartUpReportSaysWhatToChange(CapturedOutput output) {
		SpringApplicationBuilder application = new SpringApplicationBuilder(ReportApplication.class)
			.web(WebApplicationType.NONE)
			.properties("esdb.connection-string=kurrentdb://127.0.0.1:1?tls=false",
					"spring.datasource.generate-unique-name=true");
		assertThatException().isThrownBy(application::run);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("A KurrentDB subscription is declared wrongly.")
			.contains("bean 'orders' method 'on': transactional (exactly once), but its checkpoint store")
			.contains("esdb.subscriptions.by-id.orders.checkpoint-store=jdbc");
	}

	static class OrderHandler {

		@EventSubscription(id = "orders", stream = "orders", transactional = "${test.transactional:true}")
		void on(OrderPlaced event) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Transactional {

		@Bean
		OrderHandler orders() {
			return new OrderHandler();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ EsdbAutoConfiguration.class, EsdbSerializationAutoConfiguration.class,
			SubscriptionAutoConfiguration.class, DataSourceAutoConfiguration.class,
			DataSourceTransactionManagerAutoConfiguration.class })
	static class ReportApplication extends Transactional {

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoDataSources extends Transactional {

		@Bean
		@Primary
		DataSource readModelDataSource() {
			return new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2).generateUniqueName(true).build();
		}

		@Bean
		DataSource otherDataSource() {
			return new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2).generateUniqueName(true).build();
		}

		@Bean
		@Primary
		DataSourceTransactionManager transactionManager(@Qualifier("readModelDataSource") DataSource readModel) {
			return new DataSourceTransactionManager(readModel);
		}

		@Bean
		DataSourceTransactionManager otherTransactionManager(@Qualifier("otherDataSource") DataSource other) {
			return new DataSourceTransactionManager(other);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoTransactionManagers {

		@Bean
		DataSourceTransactionManager first(DataSource dataSource) {
			return new DataSourceTransactionManager(dataSource);
		}

		@Bean
		DataSourceTransactionManager second(DataSource dataSource) {
			return new DataSourceTransactionManager(dataSource);
		}

	}

	static class InvoiceHandler {

		@EventSubscription(id = "invoices", stream = "invoices", group = "billing",
				transactional = "${test.transactional:false}")
		void on(OrderPlaced event) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Persistent {

		@Bean
		InvoiceHandler invoices() {
			return new InvoiceHandler();
		}

	}

}
