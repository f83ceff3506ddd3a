package io.github.esdb.autoconfigure.subscription;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.springframework.boot.jdbc.EmbeddedDatabaseConnection;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.jdbc.init.PlatformPlaceholderDatabaseDriverResolver;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.Resource;
import org.springframework.util.StreamUtils;

/**
 * Creates the JDBC checkpoint table at start-up, the way Spring Batch and Spring Session create theirs: the script
 * for the DataSource's platform ({@code schema-@@platform@@.sql}, shipped for PostgreSQL, H2, MySQL and MariaDB), run
 * as {@code esdb.subscriptions.checkpoint.jdbc.initialize-schema} says (by default only on an embedded database). A
 * table name other than the scripts' {@code esdb_checkpoint} is written into the script before it runs (the partition
 * table is named after it: {@code <table>_partition}).
 */
public class JdbcCheckpointStoreSchemaInitializer extends DataSourceScriptDatabaseInitializer {

	/** The checkpoint table's name, alone or before the partition table's {@code _partition}. */
	private static final Pattern DEFAULT_TABLE = Pattern.compile("\\besdb_checkpoint(?=_partition\\b|\\b)",
			Pattern.CASE_INSENSITIVE);

	private final String tableName;

	/**
	 * Create the initializer.
	 * @param dataSource the database of the checkpoint table
	 * @param jdbc the {@code esdb.subscriptions.checkpoint.jdbc.*} properties
	 */
	public JdbcCheckpointStoreSchemaInitializer(DataSource dataSource, SubscriptionProperties.Jdbc jdbc) {
		super(dataSource, settings(dataSource, jdbc, jdbc.getSchema()));
		this.tableName = jdbc.getTableName();
	}

	/**
	 * The settings of a script of the checkpoint database, run as {@code initialize-schema} says.
	 * @param dataSource the database
	 * @param jdbc the {@code esdb.subscriptions.checkpoint.jdbc.*} properties
	 * @param schema the script's location, with {@code @@platform@@}
	 * @return the settings
	 */
	static DatabaseInitializationSettings settings(DataSource dataSource, SubscriptionProperties.Jdbc jdbc,
			String schema) {
		DatabaseInitializationMode mode = switch (jdbc.getInitializeSchema()) {
			case ALWAYS -> DatabaseInitializationMode.ALWAYS;
			case EMBEDDED -> DatabaseInitializationMode.EMBEDDED;
			case NEVER -> DatabaseInitializationMode.NEVER;
		};
		DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
		settings.setMode(mode);
		// The platform is only worked out when a script will run: it asks the database, which need not be up for
		// an application that creates its tables elsewhere.
		boolean runs = mode == DatabaseInitializationMode.ALWAYS
				|| (mode == DatabaseInitializationMode.EMBEDDED && EmbeddedDatabaseConnection.isEmbedded(dataSource));
		if (runs) {
			PlatformPlaceholderDatabaseDriverResolver platforms = new PlatformPlaceholderDatabaseDriverResolver();
			settings.setSchemaLocations((jdbc.getPlatform() != null && !jdbc.getPlatform().isBlank())
					? platforms.resolveAll(jdbc.getPlatform(), schema)
					: platforms.resolveAll(dataSource, schema));
		}
		return settings;
	}

	@Override
	protected void runScripts(Scripts scripts) {
		if ("esdb_checkpoint".equalsIgnoreCase(this.tableName)) {
			super.runScripts(scripts);
			return;
		}
		Charset encoding = (scripts.getEncoding() != null) ? scripts.getEncoding() : StandardCharsets.UTF_8;
		List<Resource> renamed = new ArrayList<>();
		for (Resource script : scripts) {
			try {
				String sql = StreamUtils.copyToString(script.getInputStream(), encoding);
				String named = DEFAULT_TABLE.matcher(sql).replaceAll(Matcher.quoteReplacement(this.tableName));
				renamed.add(new ByteArrayResource(named.getBytes(encoding), script.getDescription()));
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot read " + script.getDescription(), ex);
			}
		}
		super.runScripts(new Scripts(renamed).continueOnError(scripts.isContinueOnError())
			.separator(scripts.getSeparator())
			.encoding(encoding));
	}

}
