package io.github.esdb.embedded.persistent;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.esdb.embedded.TestServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.CreatePersistentSubscriptionToAllOptions;
import io.kurrent.dbclient.CreatePersistentSubscriptionToStreamOptions;
import io.kurrent.dbclient.NamedConsumerStrategy;
import io.kurrent.dbclient.PersistentSubscription;
import io.kurrent.dbclient.PersistentSubscriptionInfo;
import io.kurrent.dbclient.PersistentSubscriptionToAllInfo;
import io.kurrent.dbclient.PersistentSubscriptionToStreamInfo;
import io.kurrent.dbclient.Position;
import io.kurrent.dbclient.SubscribePersistentSubscriptionOptions;
import io.kurrent.dbclient.UpdatePersistentSubscriptionToStreamOptions;

import static io.github.esdb.embedded.persistent.PersistentTestSupport.append;
import static io.github.esdb.embedded.persistent.PersistentTestSupport.assertError;
import static io.github.esdb.embedded.persistent.PersistentTestSupport.await;
import static io.github.esdb.embedded.persistent.PersistentTestSupport.statusOf;
import static io.github.esdb.embedded.persistent.PersistentTestSupport.trailer;
import static io.github.esdb.embedded.persistent.PersistentTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Create, update, delete, GetInfo, List and RestartSubsystem, with their error cases, through the official client. */
class PersistentSubscriptionManagementTest {

	@RegisterExtension
	static final TestServer server = new TestServer();

	@Test
	void createTwiceIsAlreadyExistsWithTrailers() throws Exception {
		String stream = unique("mgmt");
		await(server.persistent().createToStream(stream, "g1"));
		StatusRuntimeException ex = statusOf(server.persistent().createToStream(stream, "g1"));
		assertError(ex, Status.Code.ALREADY_EXISTS, "persistent-subscription-exists");
		assertThat(trailer(ex, "stream-name")).isEqualTo(stream);
		assertThat(trailer(ex, "group-name")).isEqualTo("g1");
	}

	@Test
	void missingGroupsAreNotFound() throws Exception {
		String stream = unique("missing");
		assertError(statusOf(server.persistent().updateToStream(stream, "nope")), Status.Code.NOT_FOUND,
				"persistent-subscription-does-not-exist");
		assertError(statusOf(server.persistent().deleteToStream(stream, "nope")), Status.Code.NOT_FOUND,
				"persistent-subscription-does-not-exist");
		assertError(statusOf(server.persistent().replayParkedMessagesToStream(stream, "nope")), Status.Code.NOT_FOUND,
				"persistent-subscription-does-not-exist");
		StatusRuntimeException list = statusOf(server.persistent().listToStream(stream));
		assertError(list, Status.Code.NOT_FOUND, "persistent-subscription-does-not-exist");
		assertThat(trailer(list, "group-name")).isEmpty();
		assertThat(await(server.persistent().getInfoToStream(stream, "nope"))).isEmpty();
		assertThat(await(server.persistent().getInfoToAll("nope"))).isEmpty();

		PersistentTestSupport.Recorder recorder = new PersistentTestSupport.Recorder(true);
		StatusRuntimeException subscribe = statusOf(server.persistent().subscribeToStream(stream, "nope", recorder));
		assertError(subscribe, Status.Code.NOT_FOUND, "persistent-subscription-does-not-exist");
	}

	@Test
	void invalidSettingsFailWithReason() throws Exception {
		StatusRuntimeException ex = statusOf(server.persistent().createToStream(unique("invalid"), "g",
				CreatePersistentSubscriptionToStreamOptions.get().readBatchSize(50).historyBufferSize(50)));
		assertError(ex, Status.Code.INTERNAL, "persistent-subscription-failed");
		assertThat(trailer(ex, "reason")).contains("Read Batch Size");
	}

	@Test
	void getInfoEchoesSettingsAndFormats() throws Exception {
		String stream = unique("info");
		await(server.persistent().createToStream(stream, "g",
				CreatePersistentSubscriptionToStreamOptions.get()
					.startFrom(3)
					.resolveLinkTos()
					.messageTimeoutInMs(1234)
					.maxRetryCount(7)
					.liveBufferSize(111)
					.historyBufferSize(222)
					.readBatchSize(33)
					.checkpointAfterInMs(4444)
					.checkpointLowerBound(5)
					.checkpointUpperBound(55)
					.maxSubscriberCount(9)
					.namedConsumerStrategy(NamedConsumerStrategy.PINNED)));
		PersistentSubscriptionToStreamInfo info = await(server.persistent().getInfoToStream(stream, "g")).orElseThrow();
		assertThat(info.getEventSource()).isEqualTo(stream);
		assertThat(info.getGroupName()).isEqualTo("g");
		// Nothing to read yet: the group is at the end of its (empty) stream.
		assertThat(info.getStatus()).isEqualTo("Live");
		assertThat(info.getSettings().getStartFrom().getPosition()).contains(3L);
		assertThat(info.getSettings().isResolveLinkTos()).isTrue();
		assertThat(info.getSettings().getMessageTimeoutMs()).isEqualTo(1234);
		assertThat(info.getSettings().getMaxRetryCount()).isEqualTo(7);
		assertThat(info.getSettings().getLiveBufferSize()).isEqualTo(111);
		assertThat(info.getSettings().getHistoryBufferSize()).isEqualTo(222);
		assertThat(info.getSettings().getReadBatchSize()).isEqualTo(33);
		assertThat(info.getSettings().getCheckpointAfterInMs()).isEqualTo(4444);
		assertThat(info.getSettings().getCheckpointLowerBound()).isEqualTo(5);
		assertThat(info.getSettings().getCheckpointUpperBound()).isEqualTo(55);
		assertThat(info.getSettings().getMaxSubscriberCount()).isEqualTo(9);
		assertThat(info.getSettings().getNamedConsumerStrategy().isPinned()).isTrue();
		assertThat(info.getStats().getLastKnownEventRevision()).isEmpty();
		assertThat(info.getStats().getLastCheckpointedEventRevision()).isEmpty();

		append(server.client(), stream, 5);
		await().atMost(PersistentTestSupport.WAIT).untilAsserted(() -> {
			PersistentSubscriptionToStreamInfo current = await(server.persistent().getInfoToStream(stream, "g")).orElseThrow();
			assertThat(current.getStats().getLastKnownEventRevision()).contains(4L);
			assertThat(current.getStats().getReadBufferCount() + current.getStats().getLiveBufferCount())
				.isEqualTo(2);
			assertThat(current.getStatus()).isEqualTo("Live");
		});

		String endStream = unique("info-end");
		await(server.persistent().createToStream(endStream, "g", CreatePersistentSubscriptionToStreamOptions.get().fromEnd()));
		assertThat(await(server.persistent().getInfoToStream(endStream, "g")).orElseThrow().getSettings().getStartFrom().isEnd())
			.isTrue();
		await(server.persistent().createToStream(endStream, "g2", CreatePersistentSubscriptionToStreamOptions.get().fromStart()));
		assertThat(await(server.persistent().getInfoToStream(endStream, "g2")).orElseThrow().getSettings().getStartFrom().isStart())
			.isTrue();
	}

	@Test
	void pinnedByCorrelationIsEchoed() throws Exception {
		String stream = unique("corr");
		await(server.persistent().createToStream(stream, "g",
				CreatePersistentSubscriptionToStreamOptions.get().namedConsumerStrategy(NamedConsumerStrategy.PINNED_BY_CORRELATION)));
		assertThat(await(server.persistent().getInfoToStream(stream, "g")).orElseThrow()
			.getSettings()
			.getNamedConsumerStrategy()
			.isPinnedByCorrelation()).isTrue();
	}

	@Test
	void allGroupsReportPositions() throws Exception {
		String group = unique("all-info");
		await(server.persistent().createToAll(group, CreatePersistentSubscriptionToAllOptions.get().startFrom(5, 5)));
		PersistentSubscriptionToAllInfo info = await(server.persistent().getInfoToAll(group)).orElseThrow();
		assertThat(info.getEventSource()).isEqualTo("$all");
		Position start = info.getSettings().getStartFrom().getPosition().orElseThrow();
		assertThat(start.getCommitUnsigned()).isEqualTo(5);
		assertThat(start.getPrepareUnsigned()).isEqualTo(5);

		String endGroup = unique("all-end");
		await(server.persistent().createToAll(endGroup, CreatePersistentSubscriptionToAllOptions.get().fromEnd()));
		assertThat(await(server.persistent().getInfoToAll(endGroup)).orElseThrow().getSettings().getStartFrom().isEnd())
			.isTrue();
		assertThat(await(server.persistent().listToAll())).extracting(PersistentSubscriptionInfo::getGroupName)
			.contains(group, endGroup);
		await(server.persistent().deleteToAll(endGroup));
		assertThat(await(server.persistent().getInfoToAll(endGroup))).isEmpty();
	}

	@Test
	void listReturnsGroupsPerStreamAndOverall() throws Exception {
		String stream = unique("list");
		await(server.persistent().createToStream(stream, "a"));
		await(server.persistent().createToStream(stream, "b"));
		List<PersistentSubscriptionToStreamInfo> forStream = await(server.persistent().listToStream(stream));
		assertThat(forStream).extracting(PersistentSubscriptionInfo::getGroupName).containsExactly("a", "b");
		assertThat(await(server.persistent().listAll())).extracting(PersistentSubscriptionInfo::getGroupName)
			.contains("a", "b");
	}

	@Test
	void updateAppliesSettingsAndDropsSubscribers() throws Exception {
		String stream = unique("update");
		await(server.persistent().createToStream(stream, "g", CreatePersistentSubscriptionToStreamOptions.get().fromStart()));
		PersistentTestSupport.Recorder recorder = new PersistentTestSupport.Recorder(true);
		await(server.persistent().subscribeToStream(stream, "g", recorder));
		await(server.persistent().updateToStream(stream, "g",
				UpdatePersistentSubscriptionToStreamOptions.get().fromStart().maxRetryCount(3).messageTimeoutInMs(999)));
		await().atMost(PersistentTestSupport.WAIT).until(() -> recorder.cancelledCalled);
		assertThat(recorder.cancelled.get()).isInstanceOf(StatusRuntimeException.class);
		StatusRuntimeException dropped = (StatusRuntimeException) recorder.cancelled.get();
		assertError(dropped, Status.Code.CANCELLED, "persistent-subscription-dropped");
		PersistentSubscriptionToStreamInfo info = await(server.persistent().getInfoToStream(stream, "g")).orElseThrow();
		assertThat(info.getSettings().getMaxRetryCount()).isEqualTo(3);
		assertThat(info.getSettings().getMessageTimeoutMs()).isEqualTo(999);
		assertThat(info.getConnections()).isEmpty();
	}

	@Test
	void deleteDropsSubscribersWithNotFound() throws Exception {
		String stream = unique("delete");
		await(server.persistent().createToStream(stream, "g"));
		PersistentTestSupport.Recorder recorder = new PersistentTestSupport.Recorder(true);
		PersistentSubscription subscription = await(server.persistent().subscribeToStream(stream, "g", recorder));
		assertThat(subscription.getSubscriptionId()).isEqualTo(stream + "::g");
		await(server.persistent().deleteToStream(stream, "g"));
		await().atMost(PersistentTestSupport.WAIT).until(() -> recorder.cancelledCalled);
		assertError((StatusRuntimeException) recorder.cancelled.get(), Status.Code.NOT_FOUND,
				"persistent-subscription-does-not-exist");
		assertThat(await(server.persistent().getInfoToStream(stream, "g"))).isEmpty();
		// The name is free again.
		await(server.persistent().createToStream(stream, "g"));
	}

	@Test
	void maxSubscribersIsEnforced() throws Exception {
		String stream = unique("max");
		await(server.persistent().createToStream(stream, "g",
				CreatePersistentSubscriptionToStreamOptions.get().maxSubscriberCount(1)));
		PersistentSubscription first = await(
				server.persistent().subscribeToStream(stream, "g", new PersistentTestSupport.Recorder(true)));
		StatusRuntimeException ex = statusOf(
				server.persistent().subscribeToStream(stream, "g", new PersistentTestSupport.Recorder(true)));
		assertError(ex, Status.Code.FAILED_PRECONDITION, "maximum-subscribers-reached");
		assertThat(trailer(ex, "group-name")).isEqualTo("g");
		first.stop();
		await().atMost(PersistentTestSupport.WAIT).untilAsserted(() -> assertThat(
				await(server.persistent().getInfoToStream(stream, "g")).orElseThrow().getConnections()).isEmpty());
		PersistentSubscription second = await(server.persistent().subscribeToStream(stream, "g",
				SubscribePersistentSubscriptionOptions.get().bufferSize(4), new PersistentTestSupport.Recorder(true)));
		PersistentSubscriptionToStreamInfo info = await(server.persistent().getInfoToStream(stream, "g")).orElseThrow();
		assertThat(info.getConnections()).hasSize(1);
		assertThat(info.getConnections().get(0).getAvailableSlots()).isEqualTo(4);
		assertThat(info.getConnections().get(0).getConnectionName()).isEqualTo("<unknown>");
		second.stop();
	}

	@Test
	void restartSubsystemDropsSubscribersAndKeepsGroups() throws Exception {
		String stream = unique("restart");
		await(server.persistent().createToStream(stream, "g"));
		PersistentTestSupport.Recorder recorder = new PersistentTestSupport.Recorder(true);
		await(server.persistent().subscribeToStream(stream, "g", recorder));
		await(server.persistent().restartSubsystem());
		await().atMost(PersistentTestSupport.WAIT).until(() -> recorder.cancelledCalled);
		assertError((StatusRuntimeException) recorder.cancelled.get(), Status.Code.CANCELLED,
				"persistent-subscription-dropped");
		Optional<PersistentSubscriptionToStreamInfo> info = await(server.persistent().getInfoToStream(stream, "g"));
		assertThat(info).isPresent();
		PersistentTestSupport.Recorder again = new PersistentTestSupport.Recorder(true);
		await(server.persistent().subscribeToStream(stream, "g", again));
		append(server.client(), stream, 1);
		assertThat(again.next().body()).isEqualTo("{\"n\":0}");
	}

}
