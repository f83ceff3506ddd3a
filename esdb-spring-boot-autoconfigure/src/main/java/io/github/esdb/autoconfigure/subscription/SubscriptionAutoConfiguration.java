package io.github.esdb.autoconfigure.subscription;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import io.kurrent.dbclient.KurrentDBClient;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.thread.Threading;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.core.task.TaskExecutor;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.util.backoff.ExponentialBackOff;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.autoconfigure.serialization.EsdbSerializationAutoConfiguration;
import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.serialization.EventSerializer;
import io.github.esdb.serialization.EventTypeRegistry;
import io.github.esdb.subscription.CatchUpErrorPolicy;
import io.github.esdb.subscription.CheckpointStore;
import io.github.esdb.event.CurrentEvent;
import io.github.esdb.subscription.DefaultCatchUpErrorPolicy;
import io.github.esdb.subscription.DefaultPersistentErrorPolicy;
import io.github.esdb.subscription.EventHandlerInterceptor;
import io.github.esdb.subscription.InvalidSubscriptionException;
import io.github.esdb.subscription.PersistentErrorPolicy;
import io.github.esdb.subscription.SubscriptionContainerFactory;
import io.github.esdb.subscription.SubscriptionObserver;
import io.github.esdb.subscription.SubscriptionRegistry;
import io.github.esdb.subscription.container.DefaultSubscriptionContainerFactory;
import io.github.esdb.subscription.coordination.SubscriptionCoordination;
import io.github.esdb.subscription.event.ApplicationEventSubscriptionObserver;
import io.github.esdb.subscription.annotation.EventSubscriptionAnnotationBeanPostProcessor;

/**
 * Auto-configuration of annotation-driven and programmatic KurrentDB subscriptions: the registry, the default
 * checkpoint store, the error policies and the {@code @EventSubscription} post-processor.
 */
@AutoConfiguration(after = { EsdbAutoConfiguration.class, EsdbSerializationAutoConfiguration.class })
@ConditionalOnClass(KurrentDBClient.class)
@ConditionalOnBean({ KurrentDBClientProvider.class, EventSerializer.class })
@ConditionalOnProperty(prefix = "esdb.subscriptions", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(SubscriptionProperties.class)
@Import(SubscriptionCoordinationConfiguration.class)
public class SubscriptionAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(SubscriptionAutoConfiguration.class);

	/** The name of the executor that runs the subscriptions' workers. */
	public static final String SUBSCRIPTION_TASK_EXECUTOR = "esdbSubscriptionTaskExecutor";

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static EventSubscriptionAnnotationBeanPostProcessor eventSubscriptionAnnotationBeanPostProcessor() {
		return new EventSubscriptionAnnotationBeanPostProcessor();
	}

	@Bean
	@ConditionalOnMissingBean
	CurrentEvent esdbCurrentEvent() {
		return new CurrentEvent();
	}

	/** The name of the default checkpoint store bean. */
	public static final String CHECKPOINT_STORE = "esdbCheckpointStore";

	@Bean(name = CHECKPOINT_STORE)
	@ConditionalOnMissingBean(CheckpointStore.class)
	CheckpointStore esdbCheckpointStore(SubscriptionProperties properties,
			KurrentDBClientProvider kurrentDBClientProvider, EventSerializer serializer,
			ObjectProvider<DataSource> dataSources) {
		SubscriptionPropertiesChecks.check(properties);
		return new BuiltInCheckpointStores(properties, kurrentDBClientProvider, serializer, dataSources)
			.get(properties.getCheckpoint().getStore(), "esdb.subscriptions.checkpoint.store");
	}

	@Bean
	@ConditionalOnMissingBean
	CatchUpErrorPolicy esdbCatchUpErrorPolicy(SubscriptionProperties properties) {
		SubscriptionPropertiesChecks.check(properties);
		return new DefaultCatchUpErrorPolicy(backOff(properties.getCatchUp().getRetry()),
				properties.getCatchUp().getOnError(), ExceptionActionsProperties.defaults(properties),
				ExceptionActionsProperties.byId(properties));
	}

	@Bean
	@ConditionalOnMissingBean
	PersistentErrorPolicy esdbPersistentErrorPolicy(SubscriptionProperties properties) {
		SubscriptionPropertiesChecks.check(properties);
		return new DefaultPersistentErrorPolicy(properties.getPersistent().getDefaultNackAction(),
				backOff(properties.getPersistent().getRetry()), ExceptionActionsProperties.defaults(properties),
				ExceptionActionsProperties.byId(properties));
	}

	private static ExponentialBackOff backOff(SubscriptionProperties.Retry retry) {
		ExponentialBackOff backOff = new ExponentialBackOff(retry.getInitialInterval().toMillis(),
				retry.getMultiplier());
		backOff.setMaxInterval(retry.getMaxInterval().toMillis());
		backOff.setMaxAttempts(retry.getMaxAttempts());
		return backOff;
	}

	@Bean
	ApplicationEventSubscriptionObserver esdbApplicationEventSubscriptionObserver(ApplicationEventPublisher publisher) {
		return new ApplicationEventSubscriptionObserver(publisher);
	}

	/**
	 * Runs each subscription's worker: a thread per running subscription, virtual when
	 * {@code spring.threads.virtual.enabled=true} on Java 21 or later (as Spring Boot decides for its own executors).
	 */
	@Bean(name = SUBSCRIPTION_TASK_EXECUTOR)
	@ConditionalOnMissingBean(name = SUBSCRIPTION_TASK_EXECUTOR)
	SimpleAsyncTaskExecutor esdbSubscriptionTaskExecutor(Environment environment) {
		return DefaultSubscriptionContainerFactory.defaultTaskExecutor(Threading.VIRTUAL.isActive(environment));
	}

	@Bean
	@ConditionalOnMissingBean
	SubscriptionContainerFactory esdbSubscriptionContainerFactory(SubscriptionProperties properties,
			KurrentDBClientProvider kurrentDBClientProvider, EventSerializer serializer, EventTypeRegistry eventTypes,
			CurrentEvent currentEvent,
			ObjectProvider<SubscriptionObserver> observers, CatchUpErrorPolicy catchUpErrorPolicy,
			PersistentErrorPolicy persistentErrorPolicy, ObjectProvider<EventHandlerInterceptor> interceptors,
			@Qualifier(SUBSCRIPTION_TASK_EXECUTOR) TaskExecutor taskExecutor, ListableBeanFactory beanFactory,
			ObjectProvider<DataSource> dataSources, ObjectProvider<SubscriptionCoordination> coordinations) {
		SubscriptionPropertiesChecks.check(properties);
		SubscriptionProperties.Resubscribe resubscribe = properties.getResubscribe();
		SubscriptionCoordination coordination = coordinations.getIfAvailable();
		BuiltInCheckpointStores builtIns = new BuiltInCheckpointStores(properties, kurrentDBClientProvider,
				serializer, dataSources);
		DefaultSubscriptionContainerFactory factory = DefaultSubscriptionContainerFactory.builder()
			.clients(kurrentDBClientProvider)
			.serializer(serializer)
			.currentEvent(currentEvent)
			.observers(observers.orderedStream().toList())
			.catchUpErrorPolicy(catchUpErrorPolicy)
			.persistentErrorPolicy(persistentErrorPolicy)
			.checkpointStores((name) -> checkpointStore(beanFactory, name))
			.interceptor(EventHandlerInterceptor.chain(withLeaseCheck(coordination, interceptors)))
			.taskExecutor(taskExecutor)
			.catchUpBatchSize(properties.getCatchUp().getBatchSize())
			.catchUpHandlerThread(properties.getCatchUp().getHandlerThread())
			.persistentHandlerThread(properties.getPersistent().getHandlerThread())
			.checkpointEvery(properties.getCheckpoint().getEveryEvents(), properties.getCheckpoint().getEvery())
			.checkpointMinInterval(properties.getCheckpoint().getMinInterval())
			.checkpointStreamPrefix(properties.getCheckpoint().getStreamPrefix())
			.subscribeTimeout(properties.getSubscribeTimeout())
			.persistentGroups(properties.getPersistent().isAutoCreate(), properties.getPersistent().getBufferSize())
			.resubscribeBackOff(resubscribe.getInitialInterval(), resubscribe.getMaxInterval(),
					resubscribe.getMultiplier(), resubscribe.getJitter())
			.concurrency(properties.getConcurrency(), concurrencyById(properties), properties.getMaxInFlight())
			.eventTypes(eventTypes)
			.groupDrift(properties.getPersistent().getOnDrift())
			.checkpointStoresById(checkpointStoresById(properties, builtIns, beanFactory))
			.transactionManagers((name) -> transactionManager(beanFactory, name))
			.transactional(transactionalById(properties), transactionManagerById(properties))
			.beyondLog(properties.getCheckpoint().getBeyondLog())
			.parkedStreamPrefix(properties.getParking().getStreamPrefix())
			.checkpointStoreDecorator((coordination != null) ? coordination::fence : (endpoint, store) -> store)
			.batch(properties.getBatch().getSize(), properties.getBatch().getMaxWait(),
					byId(properties, SubscriptionProperties.ById::getBatchSize),
					byId(properties, SubscriptionProperties.ById::getBatchMaxWait))
			.build();
		return (coordination != null) ? coordination.coordinate(factory) : factory;
	}

	/** The coordination's lease check first: no interceptor (and no handler) runs on an instance without the lease. */
	private static List<EventHandlerInterceptor> withLeaseCheck(@Nullable SubscriptionCoordination coordination,
			ObjectProvider<EventHandlerInterceptor> interceptors) {
		List<EventHandlerInterceptor> chain = new ArrayList<>();
		if (coordination != null) {
			chain.add(coordination.leaseCheck());
		}
		interceptors.orderedStream().forEach(chain::add);
		return chain;
	}

	private static Map<String, CheckpointStore> checkpointStoresById(SubscriptionProperties properties,
			BuiltInCheckpointStores builtIns, ListableBeanFactory beanFactory) {
		Map<String, CheckpointStore> stores = new LinkedHashMap<>();
		properties.getById().forEach((id, settings) -> {
			SubscriptionProperties.StoreType type = settings.getCheckpointStore();
			if (type == null) {
				return;
			}
			// The default store of that kind when there is one, so that one kind means one store.
			boolean isDefault = type == properties.getCheckpoint().getStore()
					&& beanFactory.containsBean(CHECKPOINT_STORE)
					&& beanFactory.isTypeMatch(CHECKPOINT_STORE, CheckpointStore.class);
			stores.put(id, isDefault ? beanFactory.getBean(CHECKPOINT_STORE, CheckpointStore.class)
					: builtIns.get(type, "esdb.subscriptions.by-id." + id + ".checkpoint-store"));
		});
		return stores;
	}

	private static Map<String, Boolean> transactionalById(SubscriptionProperties properties) {
		Map<String, Boolean> transactional = new LinkedHashMap<>();
		properties.getById().forEach((id, settings) -> {
			if (settings.getTransactional() != null) {
				transactional.put(id, settings.getTransactional());
			}
		});
		return transactional;
	}

	private static Map<String, String> transactionManagerById(SubscriptionProperties properties) {
		Map<String, String> managers = new LinkedHashMap<>();
		properties.getById().forEach((id, settings) -> {
			if (settings.getTransactionManager() != null && !settings.getTransactionManager().isBlank()) {
				managers.put(id, settings.getTransactionManager().trim());
			}
		});
		return managers;
	}

	/**
	 * The transaction manager of a transactional subscription: the bean it names, else the only or primary one.
	 * @throws IllegalStateException saying why there is none, for the start-up failure
	 */
	private static PlatformTransactionManager transactionManager(ListableBeanFactory beanFactory, String name) {
		String[] names = beanFactory.getBeanNamesForType(PlatformTransactionManager.class);
		if (name != null) {
			if (!beanFactory.containsBean(name) || !beanFactory.isTypeMatch(name, PlatformTransactionManager.class)) {
				throw new IllegalStateException("transactionManager = \"" + name + "\" is not a "
						+ "PlatformTransactionManager bean; known: " + Arrays.toString(names)
						+ "; fix the name or declare it");
			}
			return beanFactory.getBean(name, PlatformTransactionManager.class);
		}
		if (names.length == 0) {
			throw new IllegalStateException("there is no PlatformTransactionManager bean; spring-boot-starter-jdbc "
					+ "with a DataSource defines one (transactionManager), or declare your own");
		}
		PlatformTransactionManager unique = beanFactory.getBeanProvider(PlatformTransactionManager.class)
			.getIfUnique();
		if (unique == null) {
			throw new IllegalStateException("there are " + names.length + " PlatformTransactionManager beans "
					+ Arrays.toString(names) + " and none is @Primary; name the one of the read model's DataSource "
					+ "with transactionManager = \"...\" (or esdb.subscriptions.by-id.<id>.transaction-manager), or "
					+ "mark it @Primary");
		}
		return unique;
	}

	/**
	 * One setting of the subscriptions that set it under {@code esdb.subscriptions.by-id}.
	 */
	private static <T> Map<String, T> byId(SubscriptionProperties properties,
			java.util.function.Function<SubscriptionProperties.ById, T> setting) {
		Map<String, T> values = new LinkedHashMap<>();
		properties.getById().forEach((id, settings) -> {
			T value = setting.apply(settings);
			if (value != null) {
				values.put(id, value);
			}
		});
		return values;
	}

	private static Map<String, Integer> concurrencyById(SubscriptionProperties properties) {
		Map<String, Integer> concurrency = new LinkedHashMap<>();
		properties.getById().forEach((id, settings) -> {
			if (settings.getConcurrency() != null) {
				concurrency.put(id, settings.getConcurrency());
			}
		});
		return concurrency;
	}

	private static CheckpointStore checkpointStore(ListableBeanFactory beanFactory, String name) {
		if (name != null) {
			return beanFactory.getBean(name, CheckpointStore.class);
		}
		Map<String, CheckpointStore> stores = beanFactory.getBeansOfType(CheckpointStore.class);
		if (stores.size() == 1) {
			return stores.values().iterator().next();
		}
		return beanFactory.getBeanProvider(CheckpointStore.class).getIfUnique(() -> {
			throw new InvalidSubscriptionException("There are " + stores.size() + " CheckpointStore beans "
					+ stores.keySet() + " and none is @Primary", "mark the default one @Primary, or name one per "
							+ "subscription with @EventSubscription(checkpointStore = ...)");
		});
	}

	/**
	 * Warns about {@code esdb.subscriptions.by-id} entries that name no subscription: a mistyped id would, for one,
	 * leave an in-memory read model with a durable checkpoint, and so empty after a restart.
	 */
	@Bean
	static ApplicationListener<ContextRefreshedEvent> esdbCheckpointStoresCheck(
			ObjectProvider<SubscriptionProperties> properties, ObjectProvider<SubscriptionRegistry> registry) {
		AtomicBoolean checked = new AtomicBoolean();
		return (event) -> {
			SubscriptionRegistry subscriptions = registry.getIfAvailable();
			SubscriptionProperties bound = properties.getIfAvailable();
			// Once: a child context (such as a separate management server's) refreshes too.
			if (subscriptions == null || bound == null || checked.getAndSet(true)) {
				return;
			}
			for (String id : bound.getById().keySet()) {
				if (!subscriptions.ids().contains(id)) {
					logger.warn("esdb.subscriptions.by-id names subscription '{}', which does not exist "
							+ "(yet); known subscriptions: {}", id, subscriptions.ids());
				}
			}
		};
	}

	@Bean
	@ConditionalOnMissingBean
	SubscriptionRegistry esdbSubscriptionRegistry(SubscriptionContainerFactory containerFactory,
			SubscriptionProperties properties, KurrentDBClientProvider kurrentDBClientProvider) {
		SubscriptionPropertiesChecks.check(properties);
		return new SubscriptionRegistry(containerFactory, properties.getShutdownTimeout(), kurrentDBClientProvider);
	}

}
