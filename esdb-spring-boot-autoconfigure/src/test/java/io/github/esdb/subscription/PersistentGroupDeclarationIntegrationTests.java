package io.github.esdb.subscription;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.kurrent.dbclient.CreatePersistentSubscriptionToStreamOptions;
import io.kurrent.dbclient.PersistentSubscriptionToStreamInfo;
import io.kurrent.dbclient.PersistentSubscriptionToStreamSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Persistent groups declared in full: every group setting of the annotation reaches the server, an existing group
 * that differs is reported, updated or refused as {@code esdb.subscriptions.persistent.on-drift} says, and the
 * registry deletes a group.
 */
@ExtendWith(OutputCaptureExtension.class)
class PersistentGroupDeclarationIntegrationTests {

	@RegisterExtension
	static final EmbeddedServerSupport esdb = EmbeddedServerSupport.perTestClass();

	private static Optional<PersistentSubscriptionToStreamInfo> info(String stream) {
		return esdb.groupInfo(stream, "declared");
	}

	private static void createWithOtherSettings(String stream) throws Exception {
		esdb.persistentSubscriptions().createToStream(stream, "declared",
				CreatePersistentSubscriptionToStreamOptions.get().fromStart().maxRetryCount(2).readBatchSize(7))
			.get(5, TimeUnit.SECONDS);
	}

	@Test
	void everyDeclaredSettingReachesTheCreatedGroup() throws Exception {
		String stream = EmbeddedServerSupport.unique("declared");
		esdb.runner()
			.withUserConfiguration(DeclaredConfiguration.class)
			.withPropertyValues("test.stream=" + stream)
			.run((context) -> {
				await().atMost(Duration.ofSeconds(10)).until(() -> info(stream).isPresent());
				PersistentSubscriptionToStreamSettings settings = info(stream).get().getSettings();
				assertThat(settings.getMaxRetryCount()).isEqualTo(4);
				assertThat(settings.getMessageTimeout()).isEqualTo(Duration.ofSeconds(20));
				assertThat(settings.getNamedConsumerStrategy().isPinnedByCorrelation()).isTrue();
				assertThat(settings.getReadBatchSize()).isEqualTo(15);
				assertThat(settings.getLiveBufferSize()).isEqualTo(300);
				assertThat(settings.getHistoryBufferSize()).isEqualTo(400);
				assertThat(settings.getCheckpointAfter()).isEqualTo(Duration.ofSeconds(3));
				assertThat(settings.getCheckpointLowerBound()).isEqualTo(5);
				assertThat(settings.getCheckpointUpperBound()).isEqualTo(50);
				assertThat(settings.getMaxSubscriberCount()).isEqualTo(3);
				assertThat(settings.isExtraStatistics()).isTrue();
				assertThat(settings.isResolveLinkTos()).isTrue();
			});
	}

	@Test
	void aGroupThatDiffersIsReportedByDefault(CapturedOutput output) throws Exception {
		String stream = EmbeddedServerSupport.unique("drift");
		createWithOtherSettings(stream);
		esdb.runner()
			.withUserConfiguration(DeclaredConfiguration.class)
			.withPropertyValues("test.stream=" + stream)
			.run((context) -> {
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> registry.snapshot("declared").get().state() == SubscriptionState.LIVE);
				assertThat(output).contains("maxRetryCount: declared 4, server 2")
					.contains("readBatchSize: declared 15, server 7");
				assertThat(info(stream).get().getSettings().getMaxRetryCount()).isEqualTo(2);
			});
	}

	@Test
	void aGroupThatDiffersIsUpdatedOnRequest() throws Exception {
		String stream = EmbeddedServerSupport.unique("drift");
		createWithOtherSettings(stream);
		esdb.runner()
			.withUserConfiguration(DeclaredConfiguration.class)
			.withPropertyValues("test.stream=" + stream, "esdb.subscriptions.persistent.on-drift=update",
					"test.strategy=Pinned")
			.run((context) -> {
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> registry.snapshot("declared").get().state() == SubscriptionState.LIVE);
				PersistentSubscriptionToStreamSettings settings = info(stream).get().getSettings();
				assertThat(settings.getMaxRetryCount()).isEqualTo(4);
				assertThat(settings.getReadBatchSize()).isEqualTo(15);
				assertThat(settings.getMaxSubscriberCount()).isEqualTo(3);
				assertThat(settings.getNamedConsumerStrategy().isPinned()).isTrue();
			});
	}

	@Test
	void anUpdateToPinnedByCorrelationFailsWithWhatToDo() throws Exception {
		String stream = EmbeddedServerSupport.unique("drift");
		createWithOtherSettings(stream);
		esdb.runner()
			.withUserConfiguration(DeclaredConfiguration.class)
			.withPropertyValues("test.stream=" + stream, "esdb.subscriptions.persistent.on-drift=update")
			.run((context) -> {
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> registry.snapshot("declared").get().state() == SubscriptionState.FAILED);
				assertThat(registry.snapshot("declared").get().lastError()).contains("deleteGroup");
			});
	}

	@Test
	void aGroupThatDiffersFailsTheSubscriptionWhenAskedTo() throws Exception {
		String stream = EmbeddedServerSupport.unique("drift");
		createWithOtherSettings(stream);
		esdb.runner()
			.withUserConfiguration(DeclaredConfiguration.class)
			.withPropertyValues("test.stream=" + stream, "esdb.subscriptions.persistent.on-drift=fail")
			.run((context) -> {
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> registry.snapshot("declared").get().state() == SubscriptionState.FAILED);
				assertThat(registry.snapshot("declared").get().lastError()).contains("maxRetryCount: declared 4")
					.contains("on-drift=update");
				assertThat(info(stream).get().getSettings().getMaxRetryCount()).isEqualTo(2);
			});
	}

	@Test
	void theRegistryDeletesTheGroup() throws Exception {
		String stream = EmbeddedServerSupport.unique("delete");
		esdb.runner()
			.withUserConfiguration(DeclaredConfiguration.class)
			.withPropertyValues("test.stream=" + stream)
			.run((context) -> {
				await().atMost(Duration.ofSeconds(10)).until(() -> info(stream).isPresent());
				SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
				registry.deleteGroup("declared");
				assertThat(registry.snapshot("declared").get().state()).isEqualTo(SubscriptionState.STOPPED);
				await().atMost(Duration.ofSeconds(10)).until(() -> {
					try {
						return info(stream).isEmpty();
					}
					catch (Exception ex) {
						return true;
					}
				});
			});
	}

	static class Declared {

		@EventSubscription(id = "declared", stream = "${test.stream}", group = "declared", from = "start",
				resolveLinks = true, maxRetryCount = 4, messageTimeout = "20s",
				consumerStrategy = "${test.strategy:PinnedByCorrelation}", readBatchSize = 15, liveBufferSize = 300,
				historyBufferSize = 400, checkpointAfter = "3s", minCheckpointCount = 5, maxCheckpointCount = 50,
				maxSubscriberCount = 3, extraStatistics = "true")
		void on(OrderPlaced order) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DeclaredConfiguration {

		@Bean
		Declared declared() {
			return new Declared();
		}

	}

}
