package io.github.esdb.embedded.store;

import java.util.List;

/**
 * The events to append to one stream, with the expected revision (see {@link ExpectedRevision}).
 *
 * @param stream the stream name
 * @param expectedRevision the raw expected revision
 * @param events the events, in order
 */
public record StreamAppend(String stream, long expectedRevision, List<ProposedEvent> events) {
}
