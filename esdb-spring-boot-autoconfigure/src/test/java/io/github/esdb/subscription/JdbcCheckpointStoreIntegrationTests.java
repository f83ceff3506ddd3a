package io.github.esdb.subscription;

import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.simple.JdbcClient;

import io.github.esdb.autoconfigure.InvalidEsdbConfigurationException;
import io.github.esdb.event.LogPosition;
import io.github.esdb.subscription.checkpoint.JdbcCheckpointStore;
import io.github.esdb.test.PostgresDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The JDBC checkpoint store on the PostgreSQL of the build machines and on H2 (the embedded default), through Spring
 * Boot's own DataSource, in a real context against the embedded server: the store chosen by property, the table
 * created as {@code initialize-schema} says, what it stores and reads back, and a subscription resuming from it.
 */
class JdbcCheckpointStoreIntegrationTests {

	@RegisterExtension
	static final PostgresDatabase postgres = new PostgresDatabase();

	@RegisterExtension
	static final EmbeddedServerSupport esdb = EmbeddedServerSupport.perTestClass();

	@Test
	void onPostgresTheStoreIsChosenByPropertyAndAlwaysCreatesTheTable() {
		JdbcTestSupport.checkpointsIn(postgres, esdb.runner()).run((context) -> {
				assertThat(context).hasNotFailed();
				CheckpointStore store = context.getBean(CheckpointStore.class);
				assertThat(store).isInstanceOf(JdbcCheckpointStore.class);
				assertThat(((JdbcCheckpointStore) store).getDataSource()).isSameAs(context.getBean(DataSource.class));
				assertThat(postgres.hasTable("esdb_checkpoint")).isTrue();
				String id = EmbeddedServerSupport.unique("store");
				assertThat(store.load(id)).isEmpty();

				store.store(id, Checkpoint.ofRevision(41));
				assertThat(store.load(id)).contains(Checkpoint.ofRevision(41));
				store.store(id, Checkpoint.ofRevision(7));
				assertThat(store.load(id)).as("store replaces, also with an earlier one (a replay)")
					.contains(Checkpoint.ofRevision(7));
				Checkpoint position = Checkpoint.ofPosition(new LogPosition(1234, 1200));
				store.store(id, position);
				assertThat(store.load(id)).contains(position);
				// Another process sees the row: the store commits at once outside a transaction.
				assertThat(postgres.jdbc()
					.sql("SELECT commit_position, prepare_position, stream_revision IS NULL FROM esdb_checkpoint "
							+ "WHERE subscription_id = ?")
					.param(id)
					.query((row, n) -> List.of(row.getLong(1), row.getLong(2), row.getBoolean(3)))
					.single()).containsExactly(1234L, 1200L, true);

				store.reset(id);
				assertThat(store.load(id)).isEmpty();
			});
	}

	@Test
	void storeIfBehindWritesOnlyPositionsAfterTheStoredOneAndNeverMovesBack() {
		JdbcTestSupport.checkpointsIn(postgres, esdb.runner()).run((context) -> {
				TransactionalCheckpointStore store = context.getBean(JdbcCheckpointStore.class);
				String stream = EmbeddedServerSupport.unique("guarded");
				assertThat(store.storeIfBehind(stream, Checkpoint.ofRevision(3))).as("first: inserted").isTrue();
				assertThat(store.storeIfBehind(stream, Checkpoint.ofRevision(3))).as("the same again").isFalse();
				assertThat(store.storeIfBehind(stream, Checkpoint.ofRevision(2))).as("an earlier one").isFalse();
				assertThat(store.load(stream)).contains(Checkpoint.ofRevision(3));
				assertThat(store.storeIfBehind(stream, Checkpoint.ofRevision(4))).isTrue();
				assertThat(store.load(stream)).contains(Checkpoint.ofRevision(4));

				String all = EmbeddedServerSupport.unique("guarded-all");
				assertThat(store.storeIfBehind(all, Checkpoint.ofPosition(new LogPosition(100, 90)))).isTrue();
				assertThat(store.storeIfBehind(all, Checkpoint.ofPosition(new LogPosition(100, 90)))).isFalse();
				assertThat(store.storeIfBehind(all, Checkpoint.ofPosition(new LogPosition(100, 95)))).isTrue();
				assertThat(store.storeIfBehind(all, Checkpoint.ofPosition(new LogPosition(99, 99)))).isFalse();
				assertThat(store.load(all)).contains(Checkpoint.ofPosition(new LogPosition(100, 95)));
			});
	}

	@Test
	void onPostgresTheDefaultModeEmbeddedCreatesNoTable() {
		esdb.runner()
			.withConfiguration(JdbcTestSupport.JDBC)
			.withPropertyValues(postgres.dataSourceProperties())
			.withPropertyValues("esdb.subscriptions.checkpoint.store=jdbc",
					"esdb.subscriptions.checkpoint.jdbc.table-name=not_created")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(CheckpointStore.class)).isInstanceOf(JdbcCheckpointStore.class);
				assertThat(postgres.hasTable("not_created")).isFalse();
			});
	}

	@Test
	void aTableOfAnotherNameIsCreatedAndUsed() {
		JdbcTestSupport.checkpointsIn(postgres, esdb.runner())
			.withPropertyValues("esdb.subscriptions.checkpoint.jdbc.table-name=projection_positions")
			.run((context) -> {
				assertThat(postgres.hasTable("projection_positions")).isTrue();
				JdbcCheckpointStore store = context.getBean(JdbcCheckpointStore.class);
				assertThat(store.getTableName()).isEqualTo("projection_positions");
				store.store("renamed", Checkpoint.ofRevision(5));
				assertThat(postgres.jdbc()
					.sql("SELECT stream_revision FROM projection_positions WHERE subscription_id = 'renamed'")
					.query(Long.class)
					.single()).isEqualTo(5L);
			});
	}

	@Test
	void onH2TheDefaultModeCreatesTheTableAndNeverDoesNot() {
		esdb.runner()
			.withConfiguration(JdbcTestSupport.JDBC)
			.withPropertyValues("esdb.subscriptions.checkpoint.store=jdbc")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				JdbcClient jdbc = context.getBean(JdbcClient.class);
				assertThat(jdbc.sql("SELECT COUNT(*) FROM esdb_checkpoint").query(Long.class).single()).isZero();
				CheckpointStore store = context.getBean(CheckpointStore.class);
				store.store("h2", Checkpoint.ofPosition(new LogPosition(10, 9)));
				assertThat(store.load("h2")).contains(Checkpoint.ofPosition(new LogPosition(10, 9)));
			});
		esdb.runner()
			.withConfiguration(JdbcTestSupport.JDBC)
			.withPropertyValues("esdb.subscriptions.checkpoint.store=jdbc",
					"esdb.subscriptions.checkpoint.jdbc.initialize-schema=never")
			.run((context) -> {
				JdbcClient jdbc = context.getBean(JdbcClient.class);
				assertThat(jdbc
					.sql("SELECT COUNT(*) FROM information_schema.tables WHERE LOWER(table_name) = 'esdb_checkpoint'")
					.query(Long.class)
					.single()).isZero();
			});
	}

	@Test
	void aCatchUpSubscriptionResumesFromItsPostgresCheckpointAfterARestart() {
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.append(stream, new OrderPlaced("a", 1), new OrderPlaced("b", 2), new OrderPlaced("c", 3));
		var runner = JdbcTestSupport.checkpointsIn(postgres, esdb.runner())
			.withUserConfiguration(RecordingHandlerConfiguration.class)
			.withPropertyValues("test.stream=" + stream, "test.id=" + stream);
		runner.run((context) -> {
			Recorder recorder = context.getBean(Recorder.class);
			await().atMost(EmbeddedServerSupport.wait(10)).until(() -> recorder.size() == 3);
		});
		// The graceful stop committed the last event, in the table and not in KurrentDB.
		assertThat(JdbcTestSupport.storedRevision(postgres.jdbc(), stream)).isEqualTo(2L);
		assertThat(esdb.read("$esdb-checkpoint-" + stream)).isEmpty();
		esdb.append(stream, new OrderPlaced("d", 4), new OrderPlaced("e", 5));
		runner.run((context) -> {
			Recorder recorder = context.getBean(Recorder.class);
			SubscriptionRegistry registry = context.getBean(SubscriptionRegistry.class);
			await().atMost(EmbeddedServerSupport.wait(10))
				.until(() -> Checkpoint.ofRevision(4).equals(registry.snapshot(stream).get().position()));
			assertThat(recorder.received()).containsExactly(new OrderPlaced("d", 4), new OrderPlaced("e", 5));
		});
		assertThat(JdbcTestSupport.storedRevision(postgres.jdbc(), stream)).isEqualTo(4L);
	}

	@Test
	void oneSubscriptionKeepsItsCheckpointInTheTableByPropertyWhileTheDefaultStaysKurrentDB() {
		String stream = EmbeddedServerSupport.unique("orders");
		esdb.append(stream, new OrderPlaced("a", 1));
		esdb.runner()
			.withConfiguration(JdbcTestSupport.JDBC)
			.withUserConfiguration(RecordingHandlerConfiguration.class)
			.withPropertyValues(postgres.dataSourceProperties())
			.withPropertyValues("esdb.subscriptions.by-id." + stream + ".checkpoint-store=jdbc",
					"esdb.subscriptions.checkpoint.jdbc.initialize-schema=always", "test.stream=" + stream,
					"test.id=" + stream)
			.run((context) -> {
				assertThat(context.getBean(CheckpointStore.class)).isNotInstanceOf(JdbcCheckpointStore.class);
				Recorder recorder = context.getBean(Recorder.class);
				await().atMost(EmbeddedServerSupport.wait(10)).until(() -> recorder.size() == 1);
			});
		assertThat(JdbcTestSupport.storedRevision(postgres.jdbc(), stream)).isEqualTo(0L);
		assertThat(esdb.read("$esdb-checkpoint-" + stream)).isEmpty();
	}

	@Test
	void theJdbcStoreWithoutADataSourceFailsStartUpNamingTheProperty() {
		esdb.runner().withPropertyValues("esdb.subscriptions.checkpoint.store=jdbc").run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			while (!(failure instanceof InvalidEsdbConfigurationException) && failure.getCause() != null) {
				failure = failure.getCause();
			}
			assertThat(failure).isInstanceOf(InvalidEsdbConfigurationException.class)
				.hasMessageContaining("esdb.subscriptions.checkpoint.store")
				.hasMessageContaining("needs a DataSource bean, and there is none");
			assertThat(((InvalidEsdbConfigurationException) failure).getAction())
				.contains("spring.datasource.url");
		});
	}

}
