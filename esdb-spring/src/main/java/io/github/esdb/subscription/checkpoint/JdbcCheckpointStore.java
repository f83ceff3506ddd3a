package io.github.esdb.subscription.checkpoint;

import java.lang.reflect.Method;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.ResourceTransactionManager;
import org.springframework.util.ReflectionUtils;

import io.github.esdb.event.LogPosition;
import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.PartitionCheckpointStore;
import io.github.esdb.subscription.PartitionCheckpoints;
import io.github.esdb.subscription.TransactionalCheckpointStore;

/**
 * Keeps checkpoints in a relational table through Spring's {@link JdbcClient}: one row per subscription, holding
 * either a stream revision or an {@code $all} commit and prepare position. Its writes go through the connection of
 * the current Spring transaction when there is one, so a subscription declared {@code transactional} writes each
 * event's checkpoint in the same transaction as the handler's read-model updates (see
 * {@link TransactionalCheckpointStore}); outside a transaction each write commits at once.
 * <p>
 * The table ({@value #DEFAULT_TABLE_NAME} unless told otherwise) is created by the scripts at
 * {@value #SCHEMA_LOCATION}, for PostgreSQL, H2, MySQL and MariaDB; the auto-configuration runs them as
 * {@code esdb.subscriptions.checkpoint.jdbc.initialize-schema} says.
 */
public class JdbcCheckpointStore implements PartitionCheckpointStore {

	/** The table's name unless told otherwise. */
	public static final String DEFAULT_TABLE_NAME = "esdb_checkpoint";

	/** The schema scripts, {@code @@platform@@} being {@code postgresql}, {@code h2}, {@code mysql} or {@code mariadb}. */
	public static final String SCHEMA_LOCATION = "classpath:io/github/esdb/subscription/checkpoint/schema-@@platform@@.sql";

	/** A plain or schema-qualified SQL identifier: it is written into the statements, so nothing else is allowed. */
	private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

	private final DataSource dataSource;

	private final JdbcClient jdbc;

	private final String tableName;

	private final String select;

	private final String update;

	private final String insert;

	private final String delete;

	private final String exists;

	private final String partitionSelect;

	private final String partitionUpdate;

	private final String partitionInsert;

	private final String partitionDelete;

	private final String partitionExists;

	/**
	 * A store on the table {@value #DEFAULT_TABLE_NAME}.
	 * @param dataSource the database of the table; for transactional subscriptions the one their transaction manager
	 * manages
	 */
	public JdbcCheckpointStore(DataSource dataSource) {
		this(dataSource, DEFAULT_TABLE_NAME);
	}

	/**
	 * A store on a table of another name, with the columns of the scripts at {@value #SCHEMA_LOCATION}.
	 * @param dataSource the database of the table; for transactional subscriptions the one their transaction manager
	 * manages
	 * @param tableName the table, optionally schema-qualified ({@code projections.esdb_checkpoint})
	 * @throws IllegalArgumentException if the name is not a plain SQL identifier
	 */
	public JdbcCheckpointStore(DataSource dataSource, String tableName) {
		this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
		if (tableName == null || !isValidTableName(tableName)) {
			throw new IllegalArgumentException("The checkpoint table name '" + tableName + "' is not a plain SQL "
					+ "identifier such as esdb_checkpoint or projections.esdb_checkpoint (letters, digits and '_', "
					+ "not starting with a digit, optionally after a schema name and a dot)");
		}
		this.tableName = tableName;
		this.jdbc = JdbcClient.create(dataSource);
		this.select = "SELECT stream_revision, commit_position, prepare_position FROM " + tableName
				+ " WHERE subscription_id = ?";
		this.update = "UPDATE " + tableName + " SET stream_revision = ?, commit_position = ?, prepare_position = ?, "
				+ "updated_at = CURRENT_TIMESTAMP WHERE subscription_id = ?";
		this.insert = "INSERT INTO " + tableName + " (stream_revision, commit_position, prepare_position, "
				+ "subscription_id, updated_at) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)";
		this.delete = "DELETE FROM " + tableName + " WHERE subscription_id = ?";
		this.exists = "SELECT COUNT(*) FROM " + tableName + " WHERE subscription_id = ?";
		String partitions = partitionTableName(tableName);
		this.partitionSelect = "SELECT partition_index, partition_count, stream_revision, commit_position, "
				+ "prepare_position FROM " + partitions + " WHERE subscription_id = ?";
		this.partitionUpdate = "UPDATE " + partitions + " SET stream_revision = ?, commit_position = ?, "
				+ "prepare_position = ?, partition_count = ?, updated_at = CURRENT_TIMESTAMP WHERE subscription_id = ? "
				+ "AND partition_index = ?";
		this.partitionInsert = "INSERT INTO " + partitions + " (stream_revision, commit_position, prepare_position, "
				+ "partition_count, subscription_id, partition_index, updated_at) VALUES (?, ?, ?, ?, ?, ?, "
				+ "CURRENT_TIMESTAMP)";
		this.partitionDelete = "DELETE FROM " + partitions + " WHERE subscription_id = ?";
		this.partitionExists = "SELECT COUNT(*) FROM " + partitions + " WHERE subscription_id = ? AND "
				+ "partition_index = ?";
	}

	/**
	 * The table of the partition positions that goes with a checkpoint table: its name with {@code _partition}
	 * appended ({@code esdb_checkpoint_partition}), created by the same scripts.
	 * @param tableName the checkpoint table
	 * @return the partition table
	 */
	public static String partitionTableName(String tableName) {
		return tableName + "_partition";
	}

	/**
	 * Whether a table name may be used.
	 * @param tableName the name
	 * @return true for a plain or schema-qualified SQL identifier
	 */
	public static boolean isValidTableName(String tableName) {
		return TABLE_NAME.matcher(tableName).matches();
	}

	/**
	 * The database of the table.
	 * @return the data source
	 */
	public DataSource getDataSource() {
		return this.dataSource;
	}

	/**
	 * The table.
	 * @return its name
	 */
	public String getTableName() {
		return this.tableName;
	}

	@Override
	public Optional<Checkpoint> load(String subscriptionId) {
		List<@Nullable Checkpoint> rows = this.jdbc.sql(this.select)
			.param(subscriptionId)
			.query((row, rowNumber) -> checkpoint(row, 1))
			.list();
		// A row without a position (written by hand, say) counts as no checkpoint.
		return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.get(0));
	}

	/**
	 * The position in three columns from {@code first}: revision, commit and prepare position.
	 */
	private static @Nullable Checkpoint checkpoint(ResultSet row, int first) throws SQLException {
		long revision = row.getLong(first);
		if (!row.wasNull()) {
			return Checkpoint.ofRevision(revision);
		}
		long commit = row.getLong(first + 1);
		if (row.wasNull()) {
			return null;
		}
		return Checkpoint.ofPosition(new LogPosition(commit, row.getLong(first + 2)));
	}

	/**
	 * Replace the stored checkpoint, in the current transaction if there is one.
	 */
	@Override
	public void store(String subscriptionId, Checkpoint checkpoint) {
		if (this.jdbc.sql(this.update).params(columns(checkpoint)).param(subscriptionId).update() > 0) {
			return;
		}
		try {
			insert(subscriptionId, checkpoint);
		}
		catch (DuplicateKeyException ex) {
			// Another writer inserted the row since the update found none: replace what it wrote.
			this.jdbc.sql(this.update).params(columns(checkpoint)).param(subscriptionId).update();
		}
	}

	@Override
	public boolean storeIfBehind(String subscriptionId, Checkpoint checkpoint) {
		return storeIfBehind(this.update, this.exists, this.insert, checkpoint, (Object) subscriptionId);
	}

	@Override
	public boolean storePartitionIfBehind(String subscriptionId, int partition, int partitionCount,
			Checkpoint checkpoint) {
		return storeIfBehind(this.partitionUpdate, this.partitionExists, this.partitionInsert, checkpoint,
				partitionCount, subscriptionId, partition);
	}

	@Override
	public Optional<PartitionCheckpoints> loadPartitions(String subscriptionId) {
		Map<Integer, Checkpoint> positions = new HashMap<>();
		int[] count = new int[1];
		this.jdbc.sql(this.partitionSelect).param(subscriptionId).query((row) -> {
			count[0] = Math.max(count[0], row.getInt(2));
			Checkpoint position = checkpoint(row, 3);
			if (position != null) {
				positions.put(row.getInt(1), position);
			}
		});
		return (count[0] == 0) ? Optional.empty() : Optional.of(new PartitionCheckpoints(count[0], positions));
	}

	@Override
	public void resetPartitions(String subscriptionId) {
		this.jdbc.sql(this.partitionDelete).param(subscriptionId).update();
	}

	/**
	 * The conditional write of both tables: update the row when its position is behind, else tell whether a row
	 * exists (the event was committed before), else insert the row.
	 * @param update the update, whose parameters are the position columns, then {@code key}
	 * @param exists counts the rows of {@code key}, without its first element when it is a partition count
	 * @param insert the insert, whose parameters are the position columns, then {@code key}
	 * @param key the values after the position columns: the subscription id, or the partition count, the id and the
	 * partition index
	 */
	private boolean storeIfBehind(String update, String exists, String insert, Checkpoint checkpoint,
			Object... key) {
		int updated;
		if (checkpoint.isPosition()) {
			LogPosition position = checkpoint.position();
			updated = this.jdbc
				.sql(update + " AND (commit_position IS NULL OR commit_position < ? OR (commit_position = ? "
						+ "AND prepare_position < ?))")
				.params(columns(checkpoint))
				.params(key)
				.param(position.commit())
				.param(position.commit())
				.param(position.prepare())
				.update();
		}
		else {
			updated = this.jdbc.sql(update + " AND (stream_revision IS NULL OR stream_revision < ?)")
				.params(columns(checkpoint))
				.params(key)
				.param(checkpoint.revision())
				.update();
		}
		if (updated > 0) {
			return true;
		}
		Object[] identity = (key.length > 1) ? java.util.Arrays.copyOfRange(key, 1, key.length) : key;
		Long rows = this.jdbc.sql(exists).params(identity).query(Long.class).single();
		if (rows != null && rows > 0) {
			// A row that is not behind: this event (or a later one) was committed before.
			return false;
		}
		// The first position written. Should another writer insert it at the same moment, the duplicate key fails
		// this transaction and the event is tried again, finding the row then.
		this.jdbc.sql(insert).params(columns(checkpoint)).params(key).update();
		return true;
	}

	private void insert(String subscriptionId, Checkpoint checkpoint) {
		this.jdbc.sql(this.insert).params(columns(checkpoint)).param(subscriptionId).update();
	}

	/**
	 * Delete the subscription's row, so that it starts from its {@code from} position again.
	 */
	@Override
	public void reset(String subscriptionId) {
		this.jdbc.sql(this.delete).param(subscriptionId).update();
	}

	private static Object[] columns(Checkpoint checkpoint) {
		LogPosition position = checkpoint.position();
		return new Object[] { new SqlParameterValue(Types.BIGINT, checkpoint.revision()),
				new SqlParameterValue(Types.BIGINT, (position != null) ? position.commit() : null),
				new SqlParameterValue(Types.BIGINT, (position != null) ? position.prepare() : null) };
	}

	@Override
	public @Nullable String cannotJoin(PlatformTransactionManager transactionManager) {
		DataSource managed = managedDataSource(transactionManager);
		if (managed == null) {
			return "the transaction manager (" + transactionManager.getClass().getName()
					+ ") manages no JDBC DataSource, so its transactions cannot include the writes to the checkpoint "
					+ "table " + this.tableName;
		}
		if (unwrap(managed) != unwrap(this.dataSource)) {
			return "the checkpoint table " + this.tableName + " is on DataSource " + this.dataSource
					+ ", but the transaction manager (" + transactionManager.getClass().getName()
					+ ") manages DataSource " + managed + "; the checkpoint would commit separately from the handler";
		}
		return null;
	}

	private static @Nullable DataSource managedDataSource(PlatformTransactionManager transactionManager) {
		if (transactionManager instanceof ResourceTransactionManager resources
				&& resources.getResourceFactory() instanceof DataSource dataSource) {
			return dataSource;
		}
		// JpaTransactionManager and HibernateTransactionManager expose their JDBC connection to JDBC code on the
		// DataSource they name.
		Method getter = ReflectionUtils.findMethod(transactionManager.getClass(), "getDataSource");
		if (getter != null && getter.getParameterCount() == 0
				&& DataSource.class.isAssignableFrom(getter.getReturnType())) {
			return (DataSource) ReflectionUtils.invokeMethod(getter, transactionManager);
		}
		return null;
	}

	private static DataSource unwrap(DataSource dataSource) {
		DataSource current = dataSource;
		while (current instanceof TransactionAwareDataSourceProxy proxy && proxy.getTargetDataSource() != null) {
			current = proxy.getTargetDataSource();
		}
		return current;
	}

	@Override
	public String toString() {
		return "JdbcCheckpointStore[" + this.tableName + " on " + this.dataSource + "]";
	}

}
