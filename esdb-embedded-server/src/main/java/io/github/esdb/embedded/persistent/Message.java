package io.github.esdb.embedded.persistent;

import java.util.UUID;

import io.github.esdb.embedded.store.StoredEvent;

/**
 * One event travelling through a group: buffered, in flight, or waiting for a retry.
 *
 * @param event the event to deliver (a resolved link's target), or null for a link whose target is gone
 * @param link the link record when a link was resolved (or, for a replayed parked event, the parked link), else null
 * @param sequence the order in which the group read the event; -1 for replayed parked events, which never count
 * for checkpoints
 * @param position the group position of the event (stream revision, or log position for {@code $all}); -1 for
 * replayed parked events
 * @param previousPosition the group position of the event read just before, null if none: the checkpoint to write
 * while this event is the oldest unfinished one
 * @param retryCount how many times the event was delivered before
 * @param live whether it was read while the group was live (for the live/read buffer statistics)
 */
public record Message(StoredEvent event, StoredEvent link, long sequence, long position, Long previousPosition,
		int retryCount, boolean live) {

	/**
	 * The record the client sees as the original event: the link when present, else the event.
	 * @return the original record
	 */
	public StoredEvent original() {
		return (this.link != null) ? this.link : this.event;
	}

	/**
	 * The id clients ack and nack with.
	 * @return the original record's id
	 */
	public UUID id() {
		return original().id();
	}

	/**
	 * Whether this is a replay of a parked event.
	 * @return true for replays
	 */
	public boolean replayed() {
		return this.sequence < 0;
	}

	/**
	 * The same message, for its next delivery attempt.
	 * @return a copy with the retry count incremented
	 */
	Message retried() {
		return new Message(this.event, this.link, this.sequence, this.position, this.previousPosition,
				this.retryCount + 1, this.live);
	}

}
