package io.github.esdb.boot.test;

import java.io.IOException;
import java.util.Set;

import org.springframework.boot.test.context.filter.annotation.StandardAnnotationCustomizableTypeExcludeFilter;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.core.type.classreading.MetadataReader;
import org.springframework.core.type.classreading.MetadataReaderFactory;

import io.github.esdb.subscription.EventSubscription;

/**
 * The components of an {@link EsdbTest}: those named in {@link EsdbTest#value()}, or, when none is named, every
 * component with {@code @EventSubscription} on its class or on one of its methods.
 */
final class EsdbTypeExcludeFilter extends StandardAnnotationCustomizableTypeExcludeFilter<EsdbTest> {

	private static final String EVENT_SUBSCRIPTION = EventSubscription.class.getName();

	private final Set<Class<?>> subscriptions;

	EsdbTypeExcludeFilter(Class<?> testClass) {
		super(testClass);
		this.subscriptions = Set.of(getAnnotation().getValue("subscriptions", Class[].class).orElse(new Class<?>[0]));
	}

	@Override
	protected Set<Class<?>> getComponentIncludes() {
		return this.subscriptions;
	}

	@Override
	protected boolean defaultInclude(MetadataReader metadataReader, MetadataReaderFactory metadataReaderFactory)
			throws IOException {
		if (super.defaultInclude(metadataReader, metadataReaderFactory)) {
			return true;
		}
		if (!this.subscriptions.isEmpty()) {
			return false;
		}
		AnnotationMetadata metadata = metadataReader.getAnnotationMetadata();
		return metadata.isAnnotated(EVENT_SUBSCRIPTION) || metadata.hasAnnotatedMethods(EVENT_SUBSCRIPTION);
	}

}
