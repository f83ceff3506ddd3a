package io.github.esdb.subscription;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Thrown by a batch handler (a handler method that takes a {@code List}) to say which event of the batch failed, in
 * the way of Spring Kafka's {@code BatchListenerFailedException}. The events before it are kept: on a plain
 * subscription they count as handled (their checkpoint, or their ack, follows); on a {@code transactional} one the
 * batch's transaction rolled back, so they are handed to the handler again, alone, in a transaction of their own that
 * commits them with their checkpoint. The failed event then follows the error policy as a single event would (its
 * {@link #getCause() cause} decides: a {@link NackException} names its own action, anything else gets the retries,
 * the nack or the stop of the subscription's policy), and the events after it are delivered again in a new batch.
 * <p>
 * Any other exception from a batch handler applies the error policy to the whole batch.
 */
public class BatchHandlerFailedException extends RuntimeException {

	private final int index;

	/**
	 * The event at {@code index} failed.
	 * @param index the position of the failed event in the list the handler received, from 0
	 * @param cause why it failed; it decides the error policy's outcome for that event
	 */
	public BatchHandlerFailedException(int index, Throwable cause) {
		this(index, null, cause);
	}

	/**
	 * The event at {@code index} failed.
	 * @param index the position of the failed event in the list the handler received, from 0
	 * @param message what happened, for logs
	 * @param cause why it failed; it decides the error policy's outcome for that event
	 */
	public BatchHandlerFailedException(int index, @Nullable String message, Throwable cause) {
		super((message != null) ? message : "Event " + index + " of the batch failed: " + cause, cause);
		if (index < 0) {
			throw new IllegalArgumentException("The index of a failed event must not be negative, but is " + index);
		}
		this.index = index;
	}

	/**
	 * An element of the batch failed; it is found by identity, so pass the very element the handler received.
	 * @param batch the list the handler received
	 * @param failed the element that failed
	 * @param cause why it failed; it decides the error policy's outcome for that event
	 * @throws IllegalArgumentException if the element is not in the batch
	 */
	public BatchHandlerFailedException(List<?> batch, Object failed, Throwable cause) {
		this(indexOf(batch, failed), cause);
	}

	private static int indexOf(List<?> batch, Object failed) {
		for (int i = 0; i < batch.size(); i++) {
			if (batch.get(i) == failed) {
				return i;
			}
		}
		throw new IllegalArgumentException("The failed element " + failed + " is not an element of the batch");
	}

	/**
	 * The failed event's position in the batch.
	 * @return the index, from 0
	 */
	public int getIndex() {
		return this.index;
	}

}
