package io.github.esdb.autoconfigure.subscription;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.EnumMap;
import java.util.Map;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.util.ClassUtils;

import io.github.esdb.autoconfigure.ConfigurationChecks;
import io.github.esdb.autoconfigure.InvalidEsdbConfigurationException;
import io.github.esdb.autoconfigure.subscription.SubscriptionProperties.CoordinationMode;
import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.serialization.EventSerializer;
import io.github.esdb.subscription.CheckpointStore;
import io.github.esdb.subscription.coordination.KurrentDBLeaseStore;
import io.github.esdb.subscription.coordination.LeaseListener;
import io.github.esdb.subscription.coordination.LeaseStore;
import io.github.esdb.subscription.coordination.SubscriptionCoordination;

/**
 * The coordination of catch-up subscriptions across instances, when {@code esdb.subscriptions.coordination.mode} (or
 * a subscription's own {@code by-id.<id>.coordination.mode}) is not {@code none}: the lease stores, the scheduler
 * that renews and acquires leases, and the {@link SubscriptionCoordination} the container factory is wrapped with.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnCoordination
class SubscriptionCoordinationConfiguration {

	/** The name of the scheduler that renews and acquires leases. */
	static final String COORDINATION_TASK_SCHEDULER = "esdbCoordinationTaskScheduler";

	private static final String PREFIX = "esdb.subscriptions.coordination.";

	@Bean(name = COORDINATION_TASK_SCHEDULER)
	@ConditionalOnMissingBean(name = COORDINATION_TASK_SCHEDULER)
	ThreadPoolTaskScheduler esdbCoordinationTaskScheduler() {
		ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
		// Four: a subscription (or segment) that lost or hands over its lease waits for its handler on one while the
		// other leases (a segmented subscription holds several) are renewed on the others.
		scheduler.setPoolSize(4);
		scheduler.setThreadNamePrefix("esdb-lease-");
		scheduler.setDaemon(true);
		return scheduler;
	}

	@Bean
	@ConditionalOnMissingBean
	SubscriptionCoordination esdbSubscriptionCoordination(SubscriptionProperties properties, Environment environment,
			KurrentDBClientProvider kurrentDBClientProvider, EventSerializer serializer,
			ObjectProvider<DataSource> dataSources, ObjectProvider<CheckpointStore> checkpointStores,
			ObjectProvider<LeaseStore> leaseStores, ObjectProvider<LeaseListener> listeners,
			@org.springframework.beans.factory.annotation.Qualifier(COORDINATION_TASK_SCHEDULER) TaskScheduler scheduler) {
		SubscriptionProperties.Coordination coordination = properties.getCoordination();
		ConfigurationChecks.positive(coordination.getRenewInterval(), PREFIX + "renew-interval", "5s");
		ConfigurationChecks.positive(coordination.getLeaseTtl(), PREFIX + "lease-ttl", "15s");
		if (coordination.getRenewInterval().multipliedBy(3).compareTo(coordination.getLeaseTtl()) > 0) {
			throw new InvalidEsdbConfigurationException(PREFIX + "lease-ttl",
					coordination.getLeaseTtl() + " is shorter than three renew intervals ("
							+ coordination.getRenewInterval() + "): one slow renewal would lose the lease",
					"Set it to at least three times " + PREFIX + "renew-interval, for example " + PREFIX
							+ "lease-ttl=15s with " + PREFIX + "renew-interval=5s");
		}
		if (coordination.getInstanceId() != null && coordination.getInstanceId().isBlank()) {
			throw new InvalidEsdbConfigurationException(PREFIX + "instance-id", "must not be blank",
					"Remove it to use spring.application.name, host and pid, or set one per replica, for example "
							+ PREFIX + "instance-id=orders-1");
		}
		LeaseStore custom = leaseStores.getIfUnique();
		Map<CoordinationMode, LeaseStore> builtIn = new EnumMap<>(CoordinationMode.class);
		Map<String, SubscriptionProperties.ById> byId = properties.getById();
		CoordinationMode defaultMode = coordination.getMode();
		java.util.function.Function<String, @Nullable LeaseStore> storeOf = (id) -> {
			SubscriptionProperties.ById own = byId.get(id);
			CoordinationMode mode = (own != null && own.getCoordination().getMode() != null)
					? own.getCoordination().getMode() : defaultMode;
			if (mode == CoordinationMode.NONE) {
				return null;
			}
			if (custom != null) {
				return custom;
			}
			String property = (own != null && own.getCoordination().getMode() != null)
					? "esdb.subscriptions.by-id." + id + ".coordination.mode" : PREFIX + "mode";
			synchronized (builtIn) {
				return builtIn.computeIfAbsent(mode, (kind) -> (kind == CoordinationMode.JDBC)
						? jdbc(dataSources, checkpointStores, property)
						: new KurrentDBLeaseStore(kurrentDBClientProvider::client, serializer,
								coordination.getStreamPrefix(), properties.getSubscribeTimeout()));
			}
		};
		return new SubscriptionCoordination(instanceId(coordination, environment), coordination.getLeaseTtl(),
				coordination.getRenewInterval(), properties.getShutdownTimeout(), scheduler, storeOf,
				listeners.orderedStream().toList());
	}

	/**
	 * The configured id, or {@code spring.application.name}, host and pid: unique per process, and telling an
	 * operator where the owner runs.
	 */
	static String instanceId(SubscriptionProperties.Coordination coordination, Environment environment) {
		if (coordination.getInstanceId() != null) {
			return coordination.getInstanceId().trim();
		}
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			host = "unknown-host";
		}
		return environment.getProperty("spring.application.name", "application") + "@" + host + ":"
				+ ProcessHandle.current().pid();
	}

	/**
	 * The JDBC lease store, on the database of the JDBC checkpoint store when there is one, else on the only (or
	 * primary) DataSource.
	 */
	private static LeaseStore jdbc(ObjectProvider<DataSource> dataSources,
			ObjectProvider<CheckpointStore> checkpointStores, String property) {
		if (!ClassUtils.isPresent("org.springframework.jdbc.core.simple.JdbcClient",
				SubscriptionCoordinationConfiguration.class.getClassLoader())) {
			throw new InvalidEsdbConfigurationException(property, "'jdbc' needs spring-jdbc on the class path",
					"Add spring-boot-starter-jdbc and your database's JDBC driver, or keep the leases in KurrentDB with "
							+ property + "=kurrentdb");
		}
		DataSource dataSource = JdbcCheckpointStoreFactory.dataSourceOf(checkpointStores.getIfUnique());
		if (dataSource == null) {
			dataSource = dataSources.getIfUnique();
		}
		if (dataSource == null) {
			throw new InvalidEsdbConfigurationException(property,
					"'jdbc' keeps the leases in the checkpoint database, and there is no single DataSource",
					"Configure spring.datasource.url (with spring-boot-starter-jdbc and a driver), mark the checkpoint "
							+ "database's DataSource @Primary, or keep the leases in KurrentDB with " + property
							+ "=kurrentdb");
		}
		return JdbcCheckpointStoreFactory.leaseStore(dataSource);
	}

}
