package io.github.esdb.subscription;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadResult;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamNotFoundException;
import org.jspecify.annotations.Nullable;

import io.github.esdb.core.AppendResult;
import io.github.esdb.event.LogPosition;

/**
 * The position a subscription must reach to have processed an append: the append's last revision for a subscription
 * to its stream, its log position for a subscription to {@code $all}. For a filtered {@code $all} subscription the
 * target narrows to the newest event of the append's stream (up to the append) that the filter lets through, and
 * disappears when there is none: the subscription never receives such events, so its read model already reflects
 * them.
 */
final class AppendTarget {

	/** How many events of the append's stream a narrowing reads at most before it settles for the log position. */
	static final int SCAN_LIMIT = 1000;

	private static final int PAGE = 100;

	private final @Nullable Checkpoint target;

	private AppendTarget(@Nullable Checkpoint target) {
		this.target = target;
	}

	/**
	 * The target of an append for a subscription.
	 * @param endpoint the subscription
	 * @param result the append
	 * @return the target
	 * @throws IllegalArgumentException if the subscription reads another stream, or a {@code $all} subscription is
	 * given an append without a log position
	 */
	static AppendTarget of(SubscriptionEndpoint endpoint, AppendResult result) {
		if (endpoint.isAll()) {
			if (result.logPosition() == null) {
				throw new IllegalArgumentException("The append to '" + result.stream() + "' has no log position, so "
						+ "subscription '" + endpoint.id() + "' to $all cannot tell when it has processed it");
			}
			return new AppendTarget(Checkpoint.ofPosition(LogPosition.fromClient(result.logPosition())));
		}
		if (!endpoint.stream().equals(result.stream())) {
			throw new IllegalArgumentException("Subscription '" + endpoint.id() + "' reads stream '"
					+ endpoint.stream() + "'; an append to '" + result.stream() + "' never reaches it");
		}
		return new AppendTarget(Checkpoint.ofRevision(result.nextExpectedRevision()));
	}

	/**
	 * Whether a subscription at this position has processed the append.
	 * @param position the subscription's position, {@code null} before its first event
	 * @return true when there is nothing left to wait for
	 */
	boolean reachedBy(@Nullable Checkpoint position) {
		if (this.target == null) {
			return true;
		}
		if (position == null || position.isPosition() != this.target.isPosition()) {
			return false;
		}
		return !this.target.isAfter(position);
	}

	/**
	 * Whether {@link #narrow} can tell more: a {@code $all} target of a subscription with a server-side filter.
	 * @param filter the subscription's filter
	 * @return true when narrowing may help
	 */
	boolean narrowable(@Nullable EventFilterSpec filter) {
		return this.target != null && this.target.isPosition() && filter != null;
	}

	/**
	 * The newest event of the append's stream, up to the append and after the subscription's position, that the
	 * subscription receives: user events passing its filter. Events it does not receive never move its position.
	 * @param client the client to read the stream with
	 * @param result the append
	 * @param filter the subscription's filter
	 * @param position the subscription's position now
	 * @param timeoutMillis how long a read may take
	 * @return the narrowed target; this one when the stream cannot be read or is too long to scan
	 */
	AppendTarget narrow(KurrentDBClient client, AppendResult result, EventFilterSpec filter,
			@Nullable Checkpoint position, long timeoutMillis) {
		LogPosition after = (position != null && position.isPosition()) ? position.position() : null;
		long revision = result.nextExpectedRevision();
		int scanned = 0;
		try {
			while (revision >= 0 && scanned < SCAN_LIMIT) {
				ReadResult page = client
					.readStream(result.stream(),
							ReadStreamOptions.get().backwards().fromRevision(revision).maxCount(PAGE).notResolveLinkTos())
					.get(timeoutMillis, TimeUnit.MILLISECONDS);
				List<ResolvedEvent> events = page.getEvents();
				if (events.isEmpty()) {
					return new AppendTarget(null);
				}
				for (ResolvedEvent event : events) {
					RecordedEvent recorded = event.getOriginalEvent();
					LogPosition at = LogPosition.fromClient(recorded.getPosition());
					if (after != null && !at.isAfter(after)) {
						// The subscription is past this one, and so past every older event of the stream.
						return new AppendTarget(null);
					}
					if (receives(filter, recorded)) {
						return new AppendTarget(Checkpoint.ofPosition(at));
					}
					scanned++;
				}
				revision = events.get(events.size() - 1).getOriginalEvent().getRevision() - 1;
			}
			return (revision < 0) ? new AppendTarget(null) : this;
		}
		catch (ExecutionException ex) {
			return (ex.getCause() instanceof StreamNotFoundException) ? new AppendTarget(null) : this;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return this;
		}
		catch (Exception ex) {
			return this;
		}
	}

	private static boolean receives(EventFilterSpec filter, RecordedEvent event) {
		return !event.getStreamId().startsWith("$") && !event.getEventType().startsWith("$")
				&& filter.matches(event.getEventType(), event.getStreamId());
	}

	@Override
	public String toString() {
		return (this.target != null) ? String.valueOf(this.target) : "nothing";
	}

}
