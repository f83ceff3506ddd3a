package io.github.esdb.core;

import java.util.Map;

/**
 * Adds metadata to every event {@link EsdbTemplate} appends, for example the current trace. Beans of this type are
 * applied in {@link org.springframework.core.annotation.Order order}, after the correlation and causation ids and
 * before the event's own metadata, which wins on a clash.
 */
@FunctionalInterface
public interface EventMetadataContributor {

	/**
	 * Add entries to an event's metadata. Values must be strings if the events may go through a multi-stream append.
	 * @param metadata the metadata being built, mutable
	 */
	void contribute(Map<String, Object> metadata);

}
