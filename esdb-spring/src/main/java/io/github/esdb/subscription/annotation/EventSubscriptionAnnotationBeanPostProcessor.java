package io.github.esdb.subscription.annotation;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.format.datetime.standard.DurationFormatterUtils;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.expression.ParseException;

import io.github.esdb.serialization.EventSerializer;
import io.github.esdb.serialization.EventTypeRegistry;
import io.github.esdb.subscription.BatchSettings;
import io.github.esdb.subscription.CheckpointStore;
import io.github.esdb.subscription.ConsumerStrategy;
import io.github.esdb.subscription.EventDispatcher;
import io.github.esdb.subscription.EventFilterSpec;
import io.github.esdb.subscription.EventHandler;
import io.github.esdb.subscription.EventSubscription;
import io.github.esdb.subscription.InvalidSubscriptionException;
import io.github.esdb.subscription.PartitionKeyResolver;
import io.github.esdb.subscription.PersistentSettings;
import io.github.esdb.subscription.ResetHandler;
import io.github.esdb.subscription.StartPosition;
import io.github.esdb.subscription.SubscriptionEndpoint;
import io.github.esdb.subscription.SubscriptionRegistry;

/**
 * Finds {@link EventSubscription @EventSubscription} methods and classes and the {@link ResetHandler @ResetHandler}
 * methods of their beans, validates them (failing start-up with a message that names the bean, the method and the
 * fix), and registers an endpoint per subscription, and its reset handlers, with the {@link SubscriptionRegistry} once
 * all singletons exist.
 */
public class EventSubscriptionAnnotationBeanPostProcessor
		implements BeanPostProcessor, BeanFactoryAware, SmartInitializingSingleton, Ordered {

	private ConfigurableListableBeanFactory beanFactory;

	private final Map<String, SubscriptionEndpoint> endpoints = new LinkedHashMap<>();

	/** The reset handlers found, with the id of the subscription each resets, in the order found. */
	private final List<Map.Entry<String, ResetHandlerMethod>> resetHandlers = new ArrayList<>();

	private boolean registered;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
		this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		Class<?> targetClass = AopUtils.getTargetClass(bean);
		if (!AnnotationUtils.isCandidateClass(targetClass,
				List.of(EventSubscription.class, EventHandler.class, ResetHandler.class))) {
			return bean;
		}
		EventSubscription classLevel = AnnotatedElementUtils.findMergedAnnotation(targetClass, EventSubscription.class);
		Map<Method, EventSubscription> methodLevel = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<EventSubscription>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, EventSubscription.class));
		List<String> ids = new ArrayList<>();
		Set<Method> handlers = MethodIntrospector.selectMethods(targetClass,
				(org.springframework.util.ReflectionUtils.MethodFilter) (method) -> AnnotatedElementUtils
					.hasAnnotation(method, EventHandler.class));
		if (classLevel == null && !handlers.isEmpty()) {
			Method first = handlers.iterator().next();
			throw new InvalidSubscriptionException("bean '" + beanName + "' method '" + first.getName()
					+ "' is annotated @EventHandler, but class " + targetClass.getName()
					+ " is not annotated @EventSubscription", "annotate the class with @EventSubscription(stream = ...)"
					+ " or annotate the method with @EventSubscription instead of @EventHandler");
		}
		if (classLevel != null) {
			if (!methodLevel.isEmpty()) {
				Method first = methodLevel.keySet().iterator().next();
				throw new InvalidSubscriptionException("bean '" + beanName + "' method '" + first.getName()
						+ "' is annotated @EventSubscription inside class " + targetClass.getName()
						+ ", which is itself an @EventSubscription", "use @EventHandler on the method");
			}
			if (handlers.isEmpty()) {
				throw new InvalidSubscriptionException("bean '" + beanName + "' (class " + targetClass.getName()
						+ ") is annotated @EventSubscription but has no @EventHandler methods",
						"add one @EventHandler method per event type");
			}
			List<Method> ordered = handlers.stream().sorted(Comparator.comparing(Method::toGenericString)).toList();
			List<HandlerMethodInvoker> invokers = new ArrayList<>();
			for (Method method : ordered) {
				invokers.add(HandlerMethodInvoker.create(bean, beanName,
						AopUtils.selectInvocableMethod(method, bean.getClass()), types(), serializer()));
			}
			String source = "bean '" + beanName + "' (class " + targetClass.getSimpleName() + ") methods "
					+ ordered.stream().map(Method::getName).toList();
			rejectBatchSettings(classLevel, source);
			ids.add(add(endpoint(classLevel, beanName, source, new MethodEventDispatcher(invokers))));
		}
		methodLevel.forEach((method, annotation) -> {
			String source = "bean '" + beanName + "' method '" + method.getName() + "'";
			Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
			EventDispatcher dispatcher;
			if (BatchHandlerMethod.isBatch(method)) {
				dispatcher = BatchHandlerMethod.create(bean, beanName, invocable, batchSettings(annotation, source),
						types(), serializer());
			}
			else {
				rejectBatchSettings(annotation, source);
				dispatcher = new MethodEventDispatcher(
						List.of(HandlerMethodInvoker.create(bean, beanName, invocable, types(), serializer())));
			}
			ids.add(add(endpoint(annotation, beanName + "." + method.getName(), source, dispatcher)));
		});
		addResetHandlers(bean, beanName, targetClass, ids);
		return bean;
	}

	/**
	 * The bean's {@code @ResetHandler} methods, each for the subscriptions it names or for all of the bean's.
	 * @param ids the ids of the bean's subscriptions
	 */
	private void addResetHandlers(Object bean, String beanName, Class<?> targetClass, List<String> ids) {
		Map<Method, ResetHandler> methods = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<ResetHandler>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, ResetHandler.class));
		methods.forEach((method, annotation) -> {
			String where = "bean '" + beanName + "' method '" + method.getName() + "'";
			if (ids.isEmpty()) {
				throw new InvalidSubscriptionException(where + " is annotated @ResetHandler, but the bean holds no "
						+ "@EventSubscription", "put the method on the bean whose @EventSubscription method or class "
								+ "feeds the read model it clears");
			}
			ResetHandlerMethod handler = ResetHandlerMethod.create(bean, beanName,
					AopUtils.selectInvocableMethod(method, bean.getClass()));
			String[] named = resolve(annotation.subscriptions());
			for (String id : (named.length == 0) ? ids : List.of(named)) {
				if (!ids.contains(id)) {
					throw new InvalidSubscriptionException(where + ": @ResetHandler names subscription '" + id
							+ "', which is not one of the bean's " + ids, "name one of them, or leave subscriptions "
									+ "empty for all of them, for example @ResetHandler(\"" + ids.get(0) + "\")");
				}
				this.resetHandlers.add(Map.entry(id, handler));
				if (this.registered) {
					this.beanFactory.getBean(SubscriptionRegistry.class).addResetHandler(id, handler);
				}
			}
		});
	}

	private SubscriptionEndpoint endpoint(EventSubscription annotation, String defaultId, String source,
			EventDispatcher dispatcher) {
		String id = resolve(annotation.id());
		if (id.isEmpty()) {
			id = defaultId;
		}
		String stream = resolve(annotation.stream());
		if (stream.isEmpty()) {
			throw new InvalidSubscriptionException(source + ": @EventSubscription has no stream",
					"set stream = \"<stream>\", or stream = \"$all\" for all events");
		}
		boolean all = SubscriptionEndpoint.ALL.equals(stream);
		String group = resolve(annotation.group());
		String fromText = resolve(annotation.from());
		StartPosition from = null;
		if (!fromText.isEmpty()) {
			try {
				from = StartPosition.parse(fromText, all);
			}
			catch (IllegalArgumentException ex) {
				throw HandlerMethodInvoker.invalid(source + ": bad from = \"" + fromText + "\": " + ex.getMessage(),
						ex);
			}
		}
		EventFilterSpec filter = filter(annotation, all, source);
		PersistentSettings persistent = persistentSettings(annotation, source);
		String checkpointStore = resolve(annotation.checkpointStore());
		if (!group.isEmpty() && !checkpointStore.isEmpty()) {
			throw new InvalidSubscriptionException(source + ": checkpointStore is set on a persistent subscription "
					+ "(group '" + group + "'), whose position the server keeps", "remove checkpointStore");
		}
		String autoStartup = resolve(annotation.autoStartup());
		if (!autoStartup.equalsIgnoreCase("true") && !autoStartup.equalsIgnoreCase("false")) {
			throw new InvalidSubscriptionException(
					source + ": autoStartup = \"" + autoStartup + "\" is neither true nor false",
					"set autoStartup = \"true\" or \"false\" (or a placeholder that resolves to one)");
		}
		int concurrency = concurrency(annotation, source);
		PartitionKeyResolver partitionKey = partitionKey(annotation, source);
		String transactional = resolve(annotation.transactional());
		if (!transactional.equalsIgnoreCase("true") && !transactional.equalsIgnoreCase("false")) {
			throw new InvalidSubscriptionException(
					source + ": transactional = \"" + transactional + "\" is neither true nor false");
		}
		String transactionManager = resolve(annotation.transactionManager());
		try {
			return new SubscriptionEndpoint(id, stream, group.isEmpty() ? null : group, from, filter,
					annotation.resolveLinks(), Boolean.parseBoolean(autoStartup),
					checkpointStore.isEmpty() ? null : checkpointStore, persistent, dispatcher, source, concurrency,
					partitionKey, Boolean.parseBoolean(transactional),
					transactionManager.isEmpty() ? null : transactionManager);
		}
		catch (IllegalArgumentException ex) {
			throw HandlerMethodInvoker.invalid(ex.getMessage(), ex);
		}
	}

	private BatchSettings batchSettings(EventSubscription annotation, String source) {
		String sizeText = resolve(annotation.batchSize());
		int size = 0;
		if (!sizeText.isEmpty()) {
			try {
				size = Integer.parseInt(sizeText);
			}
			catch (NumberFormatException ex) {
				size = -1;
			}
			if (size < 1) {
				throw new InvalidSubscriptionException(source + ": batchSize = \"" + sizeText
						+ "\" is not a whole number of at least 1", "for example batchSize = \"500\", or leave it out "
								+ "for esdb.subscriptions.batch.size");
			}
		}
		Duration maxWait = duration("batchMaxWait", resolve(annotation.batchMaxWait()), source);
		if (maxWait != null && maxWait.isNegative()) {
			throw new InvalidSubscriptionException(source + ": batchMaxWait = \"" + annotation.batchMaxWait()
					+ "\" is negative", "for example batchMaxWait = \"200ms\"");
		}
		return new BatchSettings(size, maxWait);
	}

	/**
	 * Batch settings on a handler that takes one event at a time would be silently ignored.
	 */
	private void rejectBatchSettings(EventSubscription annotation, String source) {
		if (!resolve(annotation.batchSize()).isEmpty() || !resolve(annotation.batchMaxWait()).isEmpty()) {
			throw new InvalidSubscriptionException(source + ": batchSize and batchMaxWait apply to batch handlers, "
					+ "but this handler takes one event at a time", "remove them, or make the handler a batch "
							+ "handler: " + BatchHandlerMethod.EXAMPLE);
		}
	}

	private int concurrency(EventSubscription annotation, String source) {
		String text = resolve(annotation.concurrency());
		if (text.isEmpty()) {
			return 0;
		}
		try {
			int concurrency = Integer.parseInt(text);
			if (concurrency >= 1) {
				return concurrency;
			}
		}
		catch (NumberFormatException ex) {
			// Reported below with the example.
		}
		throw new InvalidSubscriptionException(source + ": concurrency = \"" + text
				+ "\" is not a whole number of at least 1; for example concurrency = \"8\"");
	}

	private @Nullable PartitionKeyResolver partitionKey(EventSubscription annotation, String source) {
		String text = resolve(annotation.partitionBy());
		if (text.isEmpty()) {
			return null;
		}
		if (this.beanFactory.containsBean(text)) {
			if (!this.beanFactory.isTypeMatch(text, PartitionKeyResolver.class)) {
				throw new InvalidSubscriptionException(source + ": partitionBy = \"" + text
						+ "\" names a bean that is not a PartitionKeyResolver");
			}
			return this.beanFactory.getBean(text, PartitionKeyResolver.class);
		}
		try {
			return new ExpressionPartitionKeyResolver(text);
		}
		catch (ParseException ex) {
			throw new InvalidSubscriptionException(source + ": partitionBy = \"" + text
					+ "\" is neither a PartitionKeyResolver bean nor a SpEL expression (" + ex.getMessage()
					+ "); for example partitionBy = \"payload.customerId\"", ex);
		}
	}

	private EventFilterSpec filter(EventSubscription annotation, boolean all, String source) {
		String[] typePrefixes = resolve(annotation.eventTypePrefixes());
		String typePattern = resolve(annotation.eventTypePattern());
		String[] streamPrefixes = resolve(annotation.streamPrefixes());
		String streamPattern = resolve(annotation.streamPattern());
		List<EventFilterSpec> filters = new ArrayList<>();
		if (typePrefixes.length > 0) {
			filters.add(EventFilterSpec.eventTypePrefixes(typePrefixes));
		}
		if (!typePattern.isEmpty()) {
			filters.add(EventFilterSpec.eventTypePattern(typePattern));
		}
		if (streamPrefixes.length > 0) {
			filters.add(EventFilterSpec.streamPrefixes(streamPrefixes));
		}
		if (!streamPattern.isEmpty()) {
			filters.add(EventFilterSpec.streamPattern(streamPattern));
		}
		if (filters.isEmpty()) {
			return null;
		}
		if (!all) {
			throw new InvalidSubscriptionException(source + ": event type and stream filters apply to $all only",
					"set stream = \"$all\" or remove the filter attributes");
		}
		if (filters.size() > 1) {
			throw new InvalidSubscriptionException(source + ": the server applies one filter per subscription",
					"use only one of eventTypePrefixes, eventTypePattern, streamPrefixes and streamPattern");
		}
		return filters.get(0);
	}

	private PersistentSettings persistentSettings(EventSubscription annotation, String source) {
		String timeoutText = resolve(annotation.messageTimeout());
		String strategy = resolve(annotation.consumerStrategy());
		String checkpointAfterText = resolve(annotation.checkpointAfter());
		String extraStatisticsText = resolve(annotation.extraStatistics());
		boolean persistent = !resolve(annotation.group()).isEmpty();
		boolean declaresGroupSettings = annotation.maxRetryCount() >= 0 || !timeoutText.isEmpty()
				|| !strategy.isEmpty() || annotation.bufferSize() >= 0 || annotation.readBatchSize() >= 0
				|| annotation.liveBufferSize() >= 0 || annotation.historyBufferSize() >= 0
				|| !checkpointAfterText.isEmpty() || annotation.minCheckpointCount() >= 0
				|| annotation.maxCheckpointCount() >= 0 || annotation.maxSubscriberCount() >= 0
				|| !extraStatisticsText.isEmpty();
		if (!persistent && declaresGroupSettings) {
			throw new InvalidSubscriptionException(source + ": maxRetryCount, messageTimeout, consumerStrategy, "
					+ "bufferSize and the other group settings apply to persistent subscriptions only",
					"set group or remove them");
		}
		ConsumerStrategy consumerStrategy = null;
		if (!strategy.isEmpty()) {
			try {
				consumerStrategy = ConsumerStrategy.parse(strategy);
			}
			catch (IllegalArgumentException ex) {
				throw HandlerMethodInvoker.invalid(source + ": " + ex.getMessage(), ex);
			}
		}
		if (annotation.bufferSize() == 0) {
			throw new InvalidSubscriptionException(source + ": bufferSize = 0 cannot work",
					"set bufferSize to at least 1, or leave it out for esdb.subscriptions.persistent.buffer-size");
		}
		Boolean extraStatistics = null;
		if (!extraStatisticsText.isEmpty()) {
			if (!extraStatisticsText.equalsIgnoreCase("true") && !extraStatisticsText.equalsIgnoreCase("false")) {
				throw new InvalidSubscriptionException(
						source + ": extraStatistics = \"" + extraStatisticsText + "\" is neither true nor false");
			}
			extraStatistics = Boolean.parseBoolean(extraStatisticsText);
		}
		return new PersistentSettings(optional(annotation.maxRetryCount()),
				duration("messageTimeout", timeoutText, source), consumerStrategy, optional(annotation.bufferSize()),
				optional(annotation.readBatchSize()), optional(annotation.liveBufferSize()),
				optional(annotation.historyBufferSize()), duration("checkpointAfter", checkpointAfterText, source),
				optional(annotation.minCheckpointCount()), optional(annotation.maxCheckpointCount()),
				optional(annotation.maxSubscriberCount()), extraStatistics);
	}

	private static @Nullable Integer optional(int value) {
		return (value >= 0) ? value : null;
	}

	private static @Nullable Duration duration(String attribute, String text, String source) {
		if (text.isEmpty()) {
			return null;
		}
		try {
			return DurationFormatterUtils.detectAndParse(text);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidSubscriptionException(
					source + ": " + attribute + " = \"" + text + "\" is not a duration such as 30s or PT30S", ex);
		}
	}

	private String add(SubscriptionEndpoint endpoint) {
		SubscriptionEndpoint existing = this.endpoints.get(endpoint.id());
		if (existing != null) {
			throw new InvalidSubscriptionException("Duplicate subscription id '" + endpoint.id() + "': "
					+ endpoint.source() + " and " + existing.source() + " both use it",
					"give one of them another id");
		}
		this.endpoints.put(endpoint.id(), endpoint);
		if (this.registered) {
			validateCheckpointStore(endpoint);
			this.beanFactory.getBean(SubscriptionRegistry.class).register(endpoint);
		}
		return endpoint.id();
	}

	@Override
	public void afterSingletonsInstantiated() {
		this.endpoints.values().forEach(this::validateCheckpointStore);
		SubscriptionRegistry registry = this.beanFactory.getBean(SubscriptionRegistry.class);
		this.endpoints.values().forEach(registry::register);
		this.resetHandlers.forEach((entry) -> registry.addResetHandler(entry.getKey(), entry.getValue()));
		this.registered = true;
	}

	private void validateCheckpointStore(SubscriptionEndpoint endpoint) {
		String name = endpoint.checkpointStore();
		if (name != null && !(this.beanFactory.containsBean(name)
				&& this.beanFactory.isTypeMatch(name, CheckpointStore.class))) {
			throw new InvalidSubscriptionException(endpoint.source() + ": checkpointStore = \"" + name
					+ "\" is not a CheckpointStore bean; known CheckpointStore beans: "
					+ Arrays.toString(this.beanFactory.getBeanNamesForType(CheckpointStore.class)),
					"declare it or fix the name");
		}
	}

	private String resolve(String value) {
		String resolved = this.beanFactory.resolveEmbeddedValue(value);
		return (resolved != null) ? resolved.trim() : "";
	}

	private String[] resolve(String[] values) {
		return Arrays.stream(values).map(this::resolve).filter((value) -> !value.isEmpty()).toArray(String[]::new);
	}

	private EventTypeRegistry types() {
		return this.beanFactory.getBean(EventTypeRegistry.class);
	}

	private EventSerializer serializer() {
		return this.beanFactory.getBean(EventSerializer.class);
	}

}
