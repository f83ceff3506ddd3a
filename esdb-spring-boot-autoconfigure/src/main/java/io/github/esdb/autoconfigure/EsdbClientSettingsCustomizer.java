package io.github.esdb.autoconfigure;

import io.kurrent.dbclient.ConnectionSettingsBuilder;

/**
 * Callback to customize the client settings before the {@code KurrentDBClientSettings} bean is built, for example to
 * add a gRPC interceptor. Customizers run in {@link org.springframework.core.annotation.Order order}, after the
 * settings from {@code esdb.*} properties have been applied.
 */
@FunctionalInterface
public interface EsdbClientSettingsCustomizer {

	/**
	 * Customize the settings builder.
	 * @param builder the builder, already holding the configured settings
	 */
	void customize(ConnectionSettingsBuilder builder);

}
