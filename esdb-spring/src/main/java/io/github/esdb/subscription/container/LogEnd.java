package io.github.esdb.subscription.container;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.Position;
import io.kurrent.dbclient.ReadAllOptions;
import io.kurrent.dbclient.ReadResult;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamNotFoundException;
import org.jspecify.annotations.Nullable;

import io.github.esdb.event.LogPosition;
import io.github.esdb.subscription.Checkpoint;
import io.github.esdb.subscription.SubscriptionEndpoint;

/**
 * Where the log a catch-up subscription reads ends, to tell whether a stored checkpoint lies after it: the last event
 * of the stream, or of {@code $all}. When that cannot be told for sure (a stream that was deleted or truncated
 * leaves its revisions going on), the end is unknown and nothing is concluded.
 *
 * @param known whether the end is known
 * @param last the last position, {@code null} when the log holds no event (or the end is unknown)
 */
record LogEnd(boolean known, @Nullable Checkpoint last) {

	private static final LogEnd UNKNOWN = new LogEnd(false, null);

	private static final LogEnd EMPTY = new LogEnd(true, null);

	/**
	 * Whether a checkpoint lies after this end.
	 * @param checkpoint the stored checkpoint
	 * @return true when the end is known and the checkpoint is after its last position (or the log is empty); never
	 * for the checkpoint before the first event
	 */
	boolean isBefore(Checkpoint checkpoint) {
		if (!this.known || checkpoint.isBeforeFirst()) {
			return false;
		}
		if (this.last == null) {
			return true;
		}
		return this.last.isPosition() == checkpoint.isPosition() && checkpoint.isAfter(this.last);
	}

	/**
	 * Read the end of what a subscription reads.
	 * @param client the client
	 * @param endpoint the subscription
	 * @param timeout how long each read may take
	 * @return the end
	 * @throws Exception when the server cannot be read (the subscription tries again, as after a failed subscribe)
	 */
	static LogEnd of(KurrentDBClient client, SubscriptionEndpoint endpoint, Duration timeout) throws Exception {
		if (endpoint.isAll()) {
			ReadResult result = await(client.readAll(ReadAllOptions.get().backwards().fromEnd().maxCount(1)),
					timeout);
			LogPosition last = null;
			if (!result.getEvents().isEmpty()) {
				ResolvedEvent event = result.getEvents().get(0);
				last = LogPosition.fromClient(event.getPosition().orElse(event.getOriginalEvent().getPosition()));
			}
			Position reported = result.getLastAllStreamPosition();
			if (reported != null) {
				LogPosition end = LogPosition.fromClient(reported);
				if (last == null || end.isAfter(last)) {
					last = end;
				}
			}
			return (last != null) ? new LogEnd(true, Checkpoint.ofPosition(last)) : EMPTY;
		}
		String stream = endpoint.stream();
		try {
			ReadResult result = await(
					client.readStream(stream, ReadStreamOptions.get().backwards().fromEnd().maxCount(1)), timeout);
			if (result.getEvents().isEmpty()) {
				// Every event truncated away: the revisions go on from where they were, which a read cannot tell.
				return UNKNOWN;
			}
			RecordedEvent last = result.getEvents().get(0).getOriginalEvent();
			return new LogEnd(true, Checkpoint.ofRevision(last.getRevision()));
		}
		catch (StreamNotFoundException ex) {
			// Never written, or deleted: a deleted stream written again goes on from its old revisions, and its
			// metadata stream remembers it. Only a stream with no trace at all is known to be empty.
			try {
				ReadResult metadata = await(client.readStream("$$" + stream,
						ReadStreamOptions.get().backwards().fromEnd().maxCount(1)), timeout);
				return metadata.getEvents().isEmpty() ? EMPTY : UNKNOWN;
			}
			catch (StreamNotFoundException none) {
				return EMPTY;
			}
			catch (Exception unreadable) {
				// Metadata this user may not read: nothing can be concluded.
				return UNKNOWN;
			}
		}
	}

	/**
	 * Wait for a read, with the cause of a failure unwrapped.
	 * @param future the read
	 * @param timeout how long to wait
	 * @return its result
	 * @throws Exception what the read failed with, or a timeout
	 */
	static <T> T await(CompletableFuture<T> future, Duration timeout) throws Exception {
		try {
			return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof Exception cause) {
				throw cause;
			}
			throw ex;
		}
	}

}
