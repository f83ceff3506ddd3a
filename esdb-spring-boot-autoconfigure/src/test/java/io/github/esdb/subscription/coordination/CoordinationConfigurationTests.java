package io.github.esdb.subscription.coordination;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.github.esdb.autoconfigure.subscription.JdbcCheckpointStoreAutoConfiguration;
import io.github.esdb.autoconfigure.subscription.JdbcLeaseStoreAutoConfiguration;
import io.github.esdb.observability.ObservabilityTestSupport;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.EventSubscription;
import io.github.esdb.subscription.OrderPlaced;
import io.github.esdb.subscription.SubscriptionRegistry;
import io.github.esdb.subscription.SubscriptionSnapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What {@code esdb.subscriptions.coordination.*} configures: nothing by default, the lease table on the embedded
 * database with the checkpoint table's rules, a per-subscription mode, and start-up failures that name the property.
 */
class CoordinationConfigurationTests {

	@RegisterExtension
	static final ObservabilityTestSupport esdb = ObservabilityTestSupport.perTestClass();

	private static ApplicationContextRunner runner(String stream) {
		return esdb.runner()
			.withUserConfiguration(HandlerConfiguration.class)
			.withPropertyValues("test.stream=" + stream, "test.id=" + stream);
	}

	@Test
	void withoutCoordinationEveryInstanceRunsEverySubscription() {
		String stream = ObservabilityTestSupport.unique("plain");
		Replicas.write(esdb, stream, 0, 1);
		runner(stream).run((context) -> {
			assertThat(context).doesNotHaveBean(SubscriptionCoordination.class);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> context.getBean(SubscriptionRegistry.class).snapshot(stream).get().handled() == 1);
			assertThat(context.getBean(SubscriptionRegistry.class).snapshot(stream).get().ownership()).isNull();
		});
	}

	@Test
	void onTheEmbeddedDatabaseTheLeaseTableIsCreatedAndOneSubscriptionIsCoordinated() {
		String stream = ObservabilityTestSupport.unique("h2");
		Replicas.write(esdb, stream, 0, 1);
		runner(stream)
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
					JdbcClientAutoConfiguration.class, TransactionAutoConfiguration.class,
					JdbcCheckpointStoreAutoConfiguration.class, JdbcLeaseStoreAutoConfiguration.class))
			.withPropertyValues("esdb.subscriptions.checkpoint.store=kurrentdb",
					"esdb.subscriptions.by-id." + stream + ".coordination.mode=jdbc",
					"esdb.subscriptions.coordination.instance-id=h2-replica",
					"esdb.subscriptions.coordination.renew-interval=200ms",
					"esdb.subscriptions.coordination.lease-ttl=3s", "esdb.subscriptions.checkpoint.every=100ms")
			.run((context) -> {
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				await().atMost(Duration.ofSeconds(30)).until(() -> registry.snapshot(stream).get().committed() != null);
				SubscriptionSnapshot snapshot = registry.snapshot(stream).get();
				assertThat(snapshot.handled()).isOne();
				assertThat(snapshot.ownership().owned()).isTrue();
				assertThat(snapshot.ownership().mode()).isEqualTo("jdbc");
				assertThat(context.getBean(JdbcClient.class)
					.sql("SELECT owner_id FROM esdb_subscription_lease WHERE subscription_id = ?")
					.param(stream)
					.query(String.class)
					.single()).isEqualTo("h2-replica");
			});
	}

	@Test
	void aLeaseTtlShorterThanThreeRenewIntervalsFailsStartUp() {
		runner(ObservabilityTestSupport.unique("ttl"))
			.withPropertyValues("esdb.subscriptions.coordination.mode=kurrentdb",
					"esdb.subscriptions.coordination.lease-ttl=5s", "esdb.subscriptions.coordination.renew-interval=2s")
			.run((context) -> assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.hasMessageContaining("esdb.subscriptions.coordination.lease-ttl")
				.hasMessageContaining("three renew intervals"));
	}

	@Test
	void jdbcLeasesWithoutADataSourceFailStartUpNamingTheProperty() {
		String stream = ObservabilityTestSupport.unique("nodb");
		runner(stream).withPropertyValues("esdb.subscriptions.by-id." + stream + ".coordination.mode=jdbc")
			.run((context) -> assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.hasMessageContaining("esdb.subscriptions.by-id." + stream + ".coordination.mode")
				.hasMessageContaining("DataSource"));
	}

	@Test
	void theInstanceIdIsTheApplicationNameHostAndPid() {
		runner(ObservabilityTestSupport.unique("id"))
			.withPropertyValues("esdb.subscriptions.coordination.mode=kurrentdb", "spring.application.name=orders")
			.run((context) -> assertThat(context.getBean(SubscriptionCoordination.class).instanceId())
				.startsWith("orders@")
				.endsWith(":" + ProcessHandle.current().pid()));
	}

	@Configuration(proxyBeanMethods = false)
	static class HandlerConfiguration {

		@Bean
		Handler handler() {
			return new Handler();
		}

	}

	static class Handler {

		@EventSubscription(id = "${test.id}", stream = "${test.stream}")
		void on(OrderPlaced event, EventContext context) {
		}

	}

}
