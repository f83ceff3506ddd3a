package io.github.esdb.subscription.coordination;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps leases as rows of a table ({@value #TABLE_NAME}: subscription id, owner, epoch, expiry) in the checkpoint
 * database, created by the scripts at {@value #SCHEMA_LOCATION}. Expiry is decided by the database's clock, never by
 * the instances' own: an acquisition reads {@code CURRENT_TIMESTAMP} and takes the row only if its expiry is before
 * it, with the epoch it read as a condition. A fenced write checks, in the same transaction and with the row locked,
 * that the epoch is still the one it was made under: a takeover then waits for that transaction to end, or the write
 * finds the new epoch and rolls back.
 */
public class JdbcLeaseStore implements LeaseStore {

	/** The table. */
	public static final String TABLE_NAME = "esdb_subscription_lease";

	/** The schema scripts, {@code @@platform@@} being {@code postgresql}, {@code h2}, {@code mysql} or {@code mariadb}. */
	public static final String SCHEMA_LOCATION = "classpath:io/github/esdb/subscription/coordination/schema-@@platform@@.sql";

	private final DataSource dataSource;

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	/**
	 * A store on the table {@value #TABLE_NAME}.
	 * @param dataSource the checkpoint database; fenced writes of a {@code JdbcCheckpointStore} on the same
	 * DataSource commit only with the lease they were made under
	 */
	public JdbcLeaseStore(DataSource dataSource) {
		this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
		this.jdbc = JdbcClient.create(dataSource);
		this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
	}

	@Override
	public String mode() {
		return "jdbc";
	}

	/** A row as read. */
	private record Row(String owner, long epoch, long expiresAt) {
	}

	private Optional<Row> read(String leaseId, boolean lock) {
		List<Row> rows = this.jdbc
			.sql("SELECT owner_id, epoch, expires_at FROM " + TABLE_NAME + " WHERE subscription_id = ?"
					+ (lock ? " FOR UPDATE" : ""))
			.param(leaseId)
			.query((row, number) -> new Row(row.getString(1), row.getLong(2), row.getLong(3)))
			.list();
		return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
	}

	/** The database's clock, in milliseconds: all instances compare expiries against the same one. */
	private long now() {
		Timestamp now = this.jdbc.sql("SELECT CURRENT_TIMESTAMP(3)").query(Timestamp.class).single();
		return Objects.requireNonNull(now, "CURRENT_TIMESTAMP").getTime();
	}

	@Override
	public Optional<SubscriptionLease> tryAcquire(String leaseId, String owner, Duration ttl) {
		Optional<Row> row = read(leaseId, false);
		long now = now();
		long expiresAt = now + ttl.toMillis();
		if (row.isEmpty()) {
			try {
				this.jdbc.sql("INSERT INTO " + TABLE_NAME + " (subscription_id, owner_id, epoch, expires_at) "
						+ "VALUES (?, ?, 1, ?)").param(leaseId).param(owner).param(expiresAt).update();
				return Optional.of(lease(leaseId, owner, 1, expiresAt));
			}
			catch (DuplicateKeyException ex) {
				// Another instance inserted it first.
				return Optional.empty();
			}
		}
		Row found = row.get();
		if (found.expiresAt() > now) {
			return Optional.empty();
		}
		long epoch = found.epoch() + 1;
		int updated = this.jdbc
			.sql("UPDATE " + TABLE_NAME + " SET owner_id = ?, epoch = ?, expires_at = ? WHERE subscription_id = ? "
					+ "AND epoch = ?")
			.param(owner)
			.param(epoch)
			.param(expiresAt)
			.param(leaseId)
			.param(found.epoch())
			.update();
		return (updated == 1) ? Optional.of(lease(leaseId, owner, epoch, expiresAt)) : Optional.empty();
	}

	@Override
	public Optional<SubscriptionLease> renew(SubscriptionLease lease, Duration ttl) {
		long expiresAt = now() + ttl.toMillis();
		int updated = this.jdbc
			.sql("UPDATE " + TABLE_NAME + " SET expires_at = ? WHERE subscription_id = ? AND owner_id = ? AND epoch = ?")
			.param(expiresAt)
			.param(lease.subscriptionId())
			.param(lease.owner())
			.param(lease.epoch())
			.update();
		return (updated == 1) ? Optional.of(lease(lease.subscriptionId(), lease.owner(), lease.epoch(), expiresAt))
				: Optional.empty();
	}

	@Override
	public void release(SubscriptionLease lease) {
		// Expired now, by the database's clock; the epoch stays, so the next acquisition increases it.
		this.jdbc
			.sql("UPDATE " + TABLE_NAME + " SET expires_at = ? WHERE subscription_id = ? AND owner_id = ? AND epoch = ?")
			.param(now())
			.param(lease.subscriptionId())
			.param(lease.owner())
			.param(lease.epoch())
			.update();
	}

	/**
	 * A member is a row {@code <group>/member-<instance id>} whose expiry the member moves on at each heartbeat;
	 * members are the rows of the group not expired by the database's clock. Rows of members gone for a hundred
	 * TTLs are deleted, so instance ids that change at each start (host and pid) do not pile up.
	 */
	@Override
	public Set<String> heartbeat(String groupId, String member, Duration ttl) {
		String key = memberKey(groupId, member);
		long now = now();
		long expiresAt = now + ttl.toMillis();
		int updated = this.jdbc
			.sql("UPDATE " + TABLE_NAME + " SET owner_id = ?, expires_at = ? WHERE subscription_id = ?")
			.param(member)
			.param(expiresAt)
			.param(key)
			.update();
		if (updated == 0) {
			try {
				this.jdbc.sql("INSERT INTO " + TABLE_NAME + " (subscription_id, owner_id, epoch, expires_at) "
						+ "VALUES (?, ?, 0, ?)").param(key).param(member).param(expiresAt).update();
			}
			catch (DuplicateKeyException ex) {
				// Inserted meanwhile by this member's previous heartbeat: it is there.
			}
		}
		String like = memberPrefix(groupId).replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
		this.jdbc.sql("DELETE FROM " + TABLE_NAME + " WHERE subscription_id LIKE ? ESCAPE '!' AND expires_at < ?")
			.param(like)
			.param(now - ttl.multipliedBy(100).toMillis())
			.update();
		Set<String> members = new TreeSet<>(this.jdbc
			.sql("SELECT owner_id FROM " + TABLE_NAME + " WHERE subscription_id LIKE ? ESCAPE '!' AND expires_at > ?")
			.param(like)
			.param(now)
			.query(String.class)
			.list());
		members.add(member);
		return members;
	}

	private static String memberPrefix(String groupId) {
		return groupId + "/member-";
	}

	/** The member's row; a name-based UUID stands for an instance id too long for the column. */
	private static String memberKey(String groupId, String member) {
		String key = memberPrefix(groupId) + member;
		return (key.length() <= 200) ? key
				: memberPrefix(groupId) + UUID.nameUUIDFromBytes(member.getBytes(StandardCharsets.UTF_8));
	}

	@Override
	public Optional<SubscriptionLease> current(String leaseId) {
		return read(leaseId, false).map((row) -> lease(leaseId, row.owner(), row.epoch(), row.expiresAt()));
	}

	/**
	 * In the caller's transaction, the epoch is checked just before it commits (the row stays locked only for the
	 * commit, so long handlers do not hold renewals up); without one, the write and the check run in a transaction
	 * of their own. Either way a takeover commits before the check (which then fails) or after the write.
	 */
	@Override
	public <T> T fenced(SubscriptionLease lease, Supplier<T> write, Runnable onLost) {
		if (TransactionSynchronizationManager.isSynchronizationActive()
				&& TransactionSynchronizationManager.isActualTransactionActive()) {
			T result = write.get();
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

				@Override
				public void beforeCommit(boolean readOnly) {
					checkHeld(lease, onLost);
				}

			});
			return result;
		}
		return this.transactions.execute((status) -> {
			T result = write.get();
			checkHeld(lease, onLost);
			return result;
		});
	}

	private void checkHeld(SubscriptionLease lease, Runnable onLost) {
		Row row = read(lease.subscriptionId(), true).orElse(null);
		if (row == null || row.epoch() != lease.epoch() || !row.owner().equals(lease.owner())) {
			onLost.run();
			throw new LeaseLostException("Fenced: subscription '" + lease.subscriptionId() + "' was taken over ("
					+ ((row != null) ? "now epoch " + row.epoch() + " held by " + row.owner() : "no lease row")
					+ "); the write made under epoch " + lease.epoch() + " by " + lease.owner() + " is rolled back");
		}
	}

	private static SubscriptionLease lease(String leaseId, String owner, long epoch, long expiresAt) {
		return new SubscriptionLease(leaseId, owner, epoch, Instant.ofEpochMilli(expiresAt));
	}

	@Override
	public String toString() {
		return "JdbcLeaseStore[" + TABLE_NAME + " on " + this.dataSource + "]";
	}

}
