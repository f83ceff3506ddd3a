package io.github.esdb.subscription.container;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeoutException;

import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadAllOptions;
import io.kurrent.dbclient.ReadResult;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamNotFoundException;
import org.jspecify.annotations.Nullable;

import io.github.esdb.event.LogPosition;
import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.StartPosition;
import io.github.esdb.subscription.SubscriptionEndpoint;

/**
 * Finds where a reset target lies in the log a catch-up subscription reads, as the checkpoint just before it: the
 * subscription resumes after its checkpoint, so the first event it replays is the target's. Only positions of real
 * events are ever read from or stored (a server refuses reads from a position inside a record).
 * <p>
 * A point in time is the first event created at or after it, assuming, as the server writes them, that creation
 * times do not decrease along the log. In a stream it is found by a binary search over revisions that reads one event
 * per step (about log2 of the stream's length). {@code $all} has no index by time or position that a client could
 * search; it is read backwards from its end, a page at a time, down to the first event before the time: what it reads
 * is what the replay reads again afterwards, never the older part of the log.
 */
final class LogSeek {

	/** Events per backwards read of {@code $all}. */
	static final int PAGE = 512;

	private LogSeek() {
	}

	/**
	 * An event's place in the log and when it was created.
	 *
	 * @param revision its revision in the stream read (for {@code $all} reads, in its own stream)
	 * @param position its position in {@code $all}, {@code null} when not known
	 * @param created when it was created
	 */
	record Stamp(long revision, @Nullable LogPosition position, Instant created) {

	}

	/** Reads the first event at or after a revision. */
	@FunctionalInterface
	interface RevisionProbe {

		/**
		 * The first event at or after a revision.
		 * @param revision the revision
		 * @return the event, {@code null} when there is none
		 * @throws Exception when the read failed
		 */
		@Nullable Stamp atOrAfter(long revision) throws Exception;

	}

	/** Reads {@code $all} backwards, a page at a time. */
	@FunctionalInterface
	interface BackwardsPages {

		/**
		 * The events strictly before a position, newest first.
		 * @param before the position, {@code null} for the end of the log
		 * @return at most a page of events; empty at the start of the log
		 * @throws Exception when the read failed
		 */
		List<Stamp> before(@Nullable LogPosition before) throws Exception;

	}

	/**
	 * The checkpoint after which a subscription replays from a target.
	 * @param client the client
	 * @param endpoint the subscription
	 * @param to the target
	 * @param timeout how long each read may take
	 * @return the checkpoint to store
	 * @throws IllegalArgumentException when the target does not fit the subscription (a revision for {@code $all}, a
	 * position for a stream, a position where no event starts, the end of a stream whose end cannot be told)
	 * @throws Exception when the server cannot be read
	 */
	static Checkpoint checkpointBefore(KurrentDBClient client, SubscriptionEndpoint endpoint, StartPosition to,
			Duration timeout) throws Exception {
		boolean all = endpoint.isAll();
		return switch (to.kind()) {
			case START -> Checkpoint.beforeFirst(all);
			case END -> end(client, endpoint, timeout);
			case REVISION -> {
				if (all) {
					throw new IllegalArgumentException("A stream revision (" + to + ") cannot place a subscription to "
							+ "$all; use an $all position such as position:C:1234/P:1234, a time, start or end");
				}
				// Revision 0 gives -1, the checkpoint before the first event.
				yield Checkpoint.ofRevision(to.revision() - 1);
			}
			case POSITION -> {
				if (!all) {
					throw new IllegalArgumentException("An $all position (" + to + ") cannot place a subscription to "
							+ "stream '" + endpoint.stream() + "'; use a revision such as revision:42, a time, start or "
							+ "end");
				}
				yield beforePosition(client, endpoint, to.position(), timeout);
			}
			case TIME -> all ? beforeTimeInAll(to.time(), (before) -> readAllBackwards(client, before, timeout))
					: beforeTimeInStream(client, endpoint.stream(), to.time(), timeout);
		};
	}

	private static Checkpoint end(KurrentDBClient client, SubscriptionEndpoint endpoint, Duration timeout)
			throws Exception {
		LogEnd end = LogEnd.of(client, endpoint, timeout);
		if (!end.known()) {
			throw new IllegalArgumentException("The end of stream '" + endpoint.stream() + "' cannot be told: its events "
					+ "were truncated or the stream was deleted. Reset it to a revision (revision:<next revision>) "
					+ "or to a time instead");
		}
		Checkpoint last = end.last();
		return (last != null) ? last : Checkpoint.beforeFirst(endpoint.isAll());
	}

	/**
	 * The checkpoint before the first event at or after a position: the position of the event before that one.
	 */
	private static Checkpoint beforePosition(KurrentDBClient client, SubscriptionEndpoint endpoint,
			LogPosition position, Duration timeout) throws Exception {
		ReadResult first;
		try {
			first = LogEnd.await(client.readAll(ReadAllOptions.get()
				.forwards()
				.fromPosition(position.toClient())
				.maxCount(1)
				.notResolveLinkTos()), timeout);
		}
		catch (Exception ex) {
			if (ex instanceof TimeoutException) {
				throw ex;
			}
			throw new IllegalArgumentException("No event of $all starts at " + position + " (" + ex.getMessage()
					+ "); use the position of an event, as EventContext.position() gives it, a time, start or end", ex);
		}
		if (first.getEvents().isEmpty()) {
			return end(client, endpoint, timeout);
		}
		LogPosition at = positionOf(first.getEvents().get(0));
		List<Stamp> previous = readAllBackwards(client, at, timeout);
		return previous.isEmpty() ? Checkpoint.beforeFirst(true)
				: Checkpoint.ofPosition(previous.get(0).position());
	}

	private static Checkpoint beforeTimeInStream(KurrentDBClient client, String stream, Instant time,
			Duration timeout) throws Exception {
		Stamp first;
		Stamp last;
		try {
			first = stamp(LogEnd.await(client.readStream(stream,
					ReadStreamOptions.get().forwards().fromStart().maxCount(1).notResolveLinkTos()), timeout));
			last = stamp(LogEnd.await(client.readStream(stream,
					ReadStreamOptions.get().backwards().fromEnd().maxCount(1).notResolveLinkTos()), timeout));
		}
		catch (StreamNotFoundException ex) {
			return Checkpoint.beforeFirst(false);
		}
		if (first == null || last == null) {
			return Checkpoint.beforeFirst(false);
		}
		long revision = firstAtOrAfter(time, first.revision(), last.revision(),
				(at) -> stamp(LogEnd.await(client.readStream(stream,
						ReadStreamOptions.get().forwards().fromRevision(at).maxCount(1).notResolveLinkTos()),
						timeout)));
		return Checkpoint.ofRevision(revision - 1);
	}

	/**
	 * A binary search for the first event created at or after a time, among revisions {@code low..high} where
	 * {@code high} is the revision of an event. Revisions without an event (truncated, or gaps after a deletion) are
	 * covered by the probe, which answers with the next event.
	 * @param time the time
	 * @param low the first revision to consider
	 * @param high the revision of the last event
	 * @param probe reads the first event at or after a revision
	 * @return a revision {@code r} such that every event before {@code r} was created before the time, and the
	 * first event at or after {@code r} at or after it; {@code high + 1} when every event was created before it
	 * @throws Exception when a read failed
	 */
	static long firstAtOrAfter(Instant time, long low, long high, RevisionProbe probe) throws Exception {
		long lo = low;
		long hi = high + 1;
		while (lo < hi) {
			long mid = lo + (hi - lo) / 2;
			Stamp found = probe.atOrAfter(mid);
			if (found == null || !found.created().isBefore(time)) {
				hi = mid;
			}
			else {
				lo = found.revision() + 1;
			}
		}
		return lo;
	}

	/**
	 * The checkpoint before the first event of {@code $all} created at or after a time: the newest event created
	 * before it, found reading backwards from the end.
	 * @param time the time
	 * @param pages reads {@code $all} backwards
	 * @return the checkpoint
	 * @throws Exception when a read failed
	 */
	static Checkpoint beforeTimeInAll(Instant time, BackwardsPages pages) throws Exception {
		LogPosition before = null;
		while (true) {
			List<Stamp> page = pages.before(before);
			if (page.isEmpty()) {
				return Checkpoint.beforeFirst(true);
			}
			for (Stamp event : page) {
				if (event.created().isBefore(time)) {
					return Checkpoint.ofPosition(event.position());
				}
				before = event.position();
			}
		}
	}

	private static List<Stamp> readAllBackwards(KurrentDBClient client, @Nullable LogPosition before,
			Duration timeout) throws Exception {
		ReadAllOptions options = ReadAllOptions.get().backwards().maxCount(PAGE).notResolveLinkTos();
		if (before == null) {
			options.fromEnd();
		}
		else {
			options.fromPosition(before.toClient());
		}
		return LogEnd.await(client.readAll(options), timeout).getEvents()
			.stream()
			.map((event) -> new Stamp(event.getOriginalEvent().getRevision(), positionOf(event),
					event.getOriginalEvent().getCreated()))
			.toList();
	}

	private static @Nullable Stamp stamp(ReadResult result) {
		if (result.getEvents().isEmpty()) {
			return null;
		}
		RecordedEvent event = result.getEvents().get(0).getOriginalEvent();
		return new Stamp(event.getRevision(), null, event.getCreated());
	}

	private static LogPosition positionOf(ResolvedEvent event) {
		return LogPosition.fromClient(event.getPosition().orElse(event.getOriginalEvent().getPosition()));
	}

}
