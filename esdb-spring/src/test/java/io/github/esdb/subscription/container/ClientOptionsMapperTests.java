package io.github.esdb.subscription.container;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.kurrent.dbclient.NackAction;
import io.kurrent.dbclient.NamedConsumerStrategy;
import io.kurrent.dbclient.PersistentSubscriptionToStreamInfo;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.Subscription;
import io.kurrent.dbclient.SubscriptionListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.ConsumerStrategy;
import io.github.esdb.subscription.NackException;
import io.github.esdb.subscription.PersistentSettings;
import io.github.esdb.subscription.StartPosition;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.test.EmbeddedServerExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The project's settings reach the server as the client's options: checked through the official client against the
 * embedded server, since the client's options keep their fields to themselves.
 */
class ClientOptionsMapperTests {

	@RegisterExtension
	static final EmbeddedServerExtension esdb = new EmbeddedServerExtension();

	private static List<Long> revisionsReceived(String stream, Checkpoint resumeAfter, StartPosition start,
			int expected) throws Exception {
		List<Long> revisions = new CopyOnWriteArrayList<>();
		Subscription subscription = esdb.client().subscribeToStream(stream, new SubscriptionListener() {

			@Override
			public void onEvent(Subscription subscription, ResolvedEvent event) {
				revisions.add(event.getOriginalEvent().getRevision());
			}

		}, ClientOptionsMapper.catchUpToStream(SubscriptionEndpoint.toStream("s", stream).handler((e, c) -> {
		}).build(), resumeAfter, start, 16)).get(5, TimeUnit.SECONDS);
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> revisions.size() >= expected);
			return List.copyOf(revisions);
		}
		finally {
			subscription.stop();
		}
	}

	@Test
	void aCatchUpSubscriptionResumesAfterItsCheckpointOrStartsWhereItIsTold() throws Exception {
		String stream = "mapper-" + System.nanoTime();
		esdb.appendTicks(stream, 5);
		assertThat(revisionsReceived(stream, Checkpoint.ofRevision(2), StartPosition.START, 2)).containsExactly(3L,
				4L);
		assertThat(revisionsReceived(stream, null, StartPosition.revision(3), 1)).startsWith(4L);
		assertThat(revisionsReceived(stream, null, StartPosition.START, 5)).containsExactly(0L, 1L, 2L, 3L, 4L);
	}

	@Test
	void aCreatedGroupHasTheDeclaredSettings() throws Exception {
		String stream = "mapper-group-" + System.nanoTime();
		SubscriptionEndpoint endpoint = SubscriptionEndpoint.persistent("g", stream, "workers")
			.from(StartPosition.revision(7))
			.persistentSettings(new PersistentSettings(4, Duration.ofSeconds(12), ConsumerStrategy.PINNED, null))
			.handler((e, c) -> {
			})
			.build();
		KurrentDBPersistentSubscriptionsClient groups = KurrentDBPersistentSubscriptionsClient.from(esdb.client());
		groups.createToStream(stream, "workers", ClientOptionsMapper.createGroupToStream(endpoint))
			.get(5, TimeUnit.SECONDS);
		PersistentSubscriptionToStreamInfo info = groups.getInfoToStream(stream, "workers")
			.get(5, TimeUnit.SECONDS)
			.orElseThrow();
		assertThat(info.getSettings().getMaxRetryCount()).isEqualTo(4);
		assertThat(info.getSettings().getMessageTimeout()).isEqualTo(Duration.ofSeconds(12));
		assertThat(info.getSettings().getNamedConsumerStrategy()).hasToString(NamedConsumerStrategy.PINNED.toString());
		assertThat(info.getSettings().getStartFrom().getPositionOrThrow()).isEqualTo(7L);
	}

	@Test
	void aStreamRevisionCannotStartAnAllSubscriptionNorAPositionAStream() {
		SubscriptionEndpoint all = SubscriptionEndpoint.toAll("a").handler((e, c) -> {
		}).build();
		assertThatIllegalStateException()
			.isThrownBy(() -> ClientOptionsMapper.catchUpToAll(all, null, StartPosition.revision(1), 16, null));
		SubscriptionEndpoint stream = SubscriptionEndpoint.toStream("b", "orders").handler((e, c) -> {
		}).build();
		assertThatIllegalStateException().isThrownBy(() -> ClientOptionsMapper.catchUpToStream(stream, null,
				StartPosition.position(io.github.esdb.event.LogPosition.of(5, 5)), 16));
	}

	@Test
	void everyActionAndStrategyHasTheClientsCounterpart() {
		assertThat(ClientOptionsMapper.nackAction(NackException.Action.PARK)).isEqualTo(NackAction.Park);
		assertThat(ClientOptionsMapper.nackAction(NackException.Action.RETRY)).isEqualTo(NackAction.Retry);
		assertThat(ClientOptionsMapper.nackAction(NackException.Action.SKIP)).isEqualTo(NackAction.Skip);
		assertThat(ClientOptionsMapper.nackAction(NackException.Action.STOP)).isEqualTo(NackAction.Stop);
		assertThat(ClientOptionsMapper.consumerStrategy(ConsumerStrategy.ROUND_ROBIN))
			.isEqualTo(NamedConsumerStrategy.ROUND_ROBIN);
		assertThat(ClientOptionsMapper.consumerStrategy(ConsumerStrategy.DISPATCH_TO_SINGLE))
			.isEqualTo(NamedConsumerStrategy.DISPATCH_TO_SINGLE);
		assertThat(ClientOptionsMapper.consumerStrategy(ConsumerStrategy.PINNED))
			.isEqualTo(NamedConsumerStrategy.PINNED);
		assertThat(ConsumerStrategy.parse("round-robin")).isEqualTo(ConsumerStrategy.ROUND_ROBIN);
		assertThat(ConsumerStrategy.parse("DispatchToSingle")).isEqualTo(ConsumerStrategy.DISPATCH_TO_SINGLE);
	}

}
