package io.github.esdb.autoconfigure.subscription;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import io.kurrent.dbclient.KurrentDBClient;
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
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.core.task.TaskExecutor;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.function.SingletonSupplier;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.autoconfigure.serialization.EsdbSerializationAutoConfiguration;
import io.github.esdb.connection.KurrentDBClientProvider;
import io.github.esdb.serialization.EventSerializer;
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
import io.github.esdb.subscription.checkpoint.InMemoryCheckpointStore;
import io.github.esdb.subscription.checkpoint.KurrentDBCheckpointStore;
import io.github.esdb.subscription.container.DefaultSubscriptionContainerFactory;
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

	@Bean
	@ConditionalOnMissingBean(CheckpointStore.class)
	CheckpointStore esdbCheckpointStore(SubscriptionProperties properties,
			KurrentDBClientProvider kurrentDBClientProvider, EventSerializer serializer) {
		SubscriptionProperties.Checkpoint checkpoint = properties.getCheckpoint();
		if (checkpoint.getStore() == SubscriptionProperties.StoreType.MEMORY) {
			return new InMemoryCheckpointStore();
		}
		return new KurrentDBCheckpointStore(kurrentDBClientProvider::client, serializer, checkpoint.getStreamPrefix(),
				checkpoint.getMaxCount(), properties.getSubscribeTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	CatchUpErrorPolicy esdbCatchUpErrorPolicy(SubscriptionProperties properties) {
		SubscriptionProperties.Retry retry = properties.getCatchUp().getRetry();
		ExponentialBackOff backOff = new ExponentialBackOff(retry.getInitialInterval().toMillis(),
				retry.getMultiplier());
		backOff.setMaxInterval(retry.getMaxInterval().toMillis());
		backOff.setMaxAttempts(retry.getMaxAttempts());
		return new DefaultCatchUpErrorPolicy(backOff, properties.getCatchUp().getOnError());
	}

	@Bean
	@ConditionalOnMissingBean
	PersistentErrorPolicy esdbPersistentErrorPolicy(SubscriptionProperties properties) {
		return new DefaultPersistentErrorPolicy(properties.getPersistent().getDefaultNackAction());
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
			KurrentDBClientProvider kurrentDBClientProvider, EventSerializer serializer, CurrentEvent currentEvent,
			ObjectProvider<SubscriptionObserver> observers, CatchUpErrorPolicy catchUpErrorPolicy,
			PersistentErrorPolicy persistentErrorPolicy, ObjectProvider<EventHandlerInterceptor> interceptors,
			@Qualifier(SUBSCRIPTION_TASK_EXECUTOR) TaskExecutor taskExecutor, ListableBeanFactory beanFactory) {
		SubscriptionPropertiesChecks.check(properties);
		SubscriptionProperties.Resubscribe resubscribe = properties.getResubscribe();
		SubscriptionProperties.Checkpoint checkpoint = properties.getCheckpoint();
		Supplier<CheckpointStore> defaultStore = SingletonSupplier.of(() -> {
			CheckpointStore store = checkpointStore(beanFactory, null);
			return checkpoint.getStores().isEmpty() ? store
					: new PerSubscriptionCheckpointStore(store, checkpoint.getStores(),
							() -> new KurrentDBCheckpointStore(kurrentDBClientProvider::client, serializer,
									checkpoint.getStreamPrefix(), checkpoint.getMaxCount(),
									properties.getSubscribeTimeout()));
		});
		return DefaultSubscriptionContainerFactory.builder()
			.clients(kurrentDBClientProvider)
			.serializer(serializer)
			.currentEvent(currentEvent)
			.observers(observers.orderedStream().toList())
			.catchUpErrorPolicy(catchUpErrorPolicy)
			.persistentErrorPolicy(persistentErrorPolicy)
			.checkpointStores((name) -> (name != null) ? checkpointStore(beanFactory, name) : defaultStore.get())
			.interceptor(EventHandlerInterceptor.chain(interceptors.orderedStream().toList()))
			.taskExecutor(taskExecutor)
			.catchUpBatchSize(properties.getCatchUp().getBatchSize())
			.checkpointEvery(properties.getCheckpoint().getEveryEvents(), properties.getCheckpoint().getEvery())
			.checkpointStreamPrefix(properties.getCheckpoint().getStreamPrefix())
			.subscribeTimeout(properties.getSubscribeTimeout())
			.persistentGroups(properties.getPersistent().isAutoCreate(), properties.getPersistent().getBufferSize())
			.resubscribeBackOff(resubscribe.getInitialInterval(), resubscribe.getMaxInterval(),
					resubscribe.getMultiplier(), resubscribe.getJitter())
			.build();
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
	 * Warns about {@code esdb.subscriptions.checkpoint.stores} entries that name no subscription: a mistyped id would
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
			for (String id : bound.getCheckpoint().getStores().keySet()) {
				if (!subscriptions.ids().contains(id)) {
					logger.warn("esdb.subscriptions.checkpoint.stores names subscription '{}', which does not exist "
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
