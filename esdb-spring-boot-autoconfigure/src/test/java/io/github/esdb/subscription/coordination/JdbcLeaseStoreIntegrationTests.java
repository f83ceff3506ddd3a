package io.github.esdb.subscription.coordination;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.transaction.support.TransactionTemplate;

import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.checkpoint.JdbcCheckpointStore;
import io.github.esdb.test.PostgresDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The JDBC leases on the real PostgreSQL: one owner at a time, expiry by the database's clock, and fencing: a
 * checkpoint written under an epoch that moved on is rolled back, inside a caller's transaction or in one of its own.
 */
class JdbcLeaseStoreIntegrationTests {

	@RegisterExtension
	static final PostgresDatabase postgres = new PostgresDatabase();

	private static final Duration TTL = Duration.ofSeconds(1);

	private static DataSource dataSource;

	@BeforeAll
	static void createTables() {
		dataSource = new SimpleDriverDataSource(new org.postgresql.Driver(), postgres.url(), PostgresDatabase.USER, "");
		new ResourceDatabasePopulator(
				new ClassPathResource("io/github/esdb/subscription/coordination/schema-postgresql.sql"),
				new ClassPathResource("io/github/esdb/subscription/checkpoint/schema-postgresql.sql"))
			.execute(dataSource);
	}

	@Test
	void oneOwnerAtATimeUntilTheLeaseExpiresByTheDatabaseClock() {
		JdbcLeaseStore leases = new JdbcLeaseStore(dataSource);
		SubscriptionLease a = leases.tryAcquire("one-owner", "a", Duration.ofSeconds(30)).orElseThrow();
		assertThat(a.epoch()).isOne();
		assertThat(leases.tryAcquire("one-owner", "b", Duration.ofSeconds(30))).isEmpty();
		SubscriptionLease renewed = leases.renew(a, Duration.ofSeconds(30)).orElseThrow();
		assertThat(renewed.epoch()).isOne();
		assertThat(renewed.expiresAt()).isAfterOrEqualTo(a.expiresAt());
		assertThat(leases.current("one-owner")).map(SubscriptionLease::owner).contains("a");

		// A release lets the other take over at once, with the next epoch.
		leases.release(renewed);
		SubscriptionLease b = leases.tryAcquire("one-owner", "b", Duration.ofSeconds(30)).orElseThrow();
		assertThat(b.epoch()).isEqualTo(2);
		assertThat(leases.renew(renewed, Duration.ofSeconds(30))).as("the old owner's renewal").isEmpty();
		leases.release(renewed);
		assertThat(leases.current("one-owner")).map(SubscriptionLease::owner).contains("b");
	}

	@Test
	void aCheckpointWrittenUnderAnEpochThatMovedOnIsRolledBack() {
		JdbcLeaseStore leases = new JdbcLeaseStore(dataSource);
		JdbcCheckpointStore checkpoints = new JdbcCheckpointStore(dataSource);
		TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
		AtomicInteger lost = new AtomicInteger();
		String id = "fenced";
		SubscriptionLease a = leases.tryAcquire(id, "a", TTL).orElseThrow();
		leases.fenced(a, () -> checkpoints.storeIfBehind(id, Checkpoint.ofRevision(3)), lost::incrementAndGet);
		assertThat(checkpoints.load(id)).contains(Checkpoint.ofRevision(3));

		// A pauses past its TTL; B takes over once the database's clock says the lease expired.
		Optional<SubscriptionLease>[] taken = new Optional[] { Optional.empty() };
		await().atMost(Duration.ofSeconds(30)).until(() -> (taken[0] = leases.tryAcquire(id, "b", TTL)).isPresent());
		SubscriptionLease b = taken[0].orElseThrow();
		assertThat(b.epoch()).isEqualTo(2);

		// A wakes up: its handler's transaction (checkpoint and read model) fails to commit.
		assertThatThrownBy(() -> transactions.executeWithoutResult((status) -> leases.fenced(a,
				() -> checkpoints.storeIfBehind(id, Checkpoint.ofRevision(5)), lost::incrementAndGet)))
			.isInstanceOf(LeaseLostException.class)
			.hasMessageContaining("epoch 2 held by b");
		// And so does a checkpoint commit outside a handler's transaction.
		assertThatThrownBy(() -> leases.fenced(a, () -> {
			checkpoints.store(id, Checkpoint.ofRevision(7));
			return null;
		}, lost::incrementAndGet)).isInstanceOf(LeaseLostException.class);
		assertThat(lost).hasValue(2);
		assertThat(checkpoints.load(id)).as("nothing A wrote after the takeover").contains(Checkpoint.ofRevision(3));

		// B's commits go through.
		transactions.executeWithoutResult((status) -> leases.fenced(b,
				() -> checkpoints.storeIfBehind(id, Checkpoint.ofRevision(4)), lost::incrementAndGet));
		assertThat(checkpoints.load(id)).contains(Checkpoint.ofRevision(4));
		assertThat(lost).hasValue(2);
	}

	@Test
	void membersAreThoseWhoseHeartbeatHasNotExpiredByTheDatabaseClockAndALeaveCountsAtOnce() {
		JdbcLeaseStore leases = new JdbcLeaseStore(dataSource);
		String group = "members_%!" + System.nanoTime();
		assertThat(leases.heartbeat(group, "a", Duration.ofSeconds(30))).containsExactly("a");
		assertThat(leases.heartbeat(group, "b", TTL)).containsExactly("a", "b");
		// Another group whose id the first one's is a prefix of (LIKE's wildcards in it are escaped) is not mixed in.
		leases.heartbeat(group + "x", "c", Duration.ofSeconds(30));
		assertThat(leases.heartbeat(group, "a", Duration.ofSeconds(30))).containsExactly("a", "b");
		// b stops calling: after its TTL, by the database's clock, it is no member any more.
		await().atMost(Duration.ofSeconds(30))
			.until(() -> leases.heartbeat(group, "a", Duration.ofSeconds(30)).equals(java.util.Set.of("a")));
		// A heartbeat with no time to live is a leave: the others stop counting it at once.
		leases.heartbeat(group, "b", Duration.ofSeconds(30));
		leases.heartbeat(group, "b", Duration.ZERO);
		assertThat(leases.heartbeat(group, "a", Duration.ofSeconds(30))).containsExactly("a");
		// A member row is no lease: no lease of that id is there.
		assertThat(leases.current(group)).isEmpty();
	}

}
