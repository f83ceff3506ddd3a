package io.github.esdb.core;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.ConnectionShutdownException;
import io.kurrent.dbclient.NoClusterNodeFoundException;
import io.kurrent.dbclient.NotLeaderException;
import io.kurrent.dbclient.RecordSizeExceededException;
import io.kurrent.dbclient.StreamDeletedException;
import io.kurrent.dbclient.StreamNotFoundException;
import io.kurrent.dbclient.StreamTombstonedException;
import io.kurrent.dbclient.TransactionMaxSizeExceededException;
import io.kurrent.dbclient.UnsupportedFeatureException;
import io.kurrent.dbclient.WrongExpectedVersionException;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.dao.InvalidDataAccessResourceUsageException;
import org.springframework.dao.PermissionDeniedDataAccessException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.dao.support.PersistenceExceptionTranslator;

/**
 * Translates the KurrentDB client's exceptions (and the gRPC statuses it lets through) into Spring's
 * {@link DataAccessException} hierarchy. The client's exception is always the cause. See {@code docs/template.md}
 * for the table.
 * <p>
 * Also usable on its own, for example with {@code PersistenceExceptionTranslationPostProcessor} around
 * {@code @Repository} beans that call {@code KurrentDBClient} directly.
 */
public class EsdbExceptionTranslator implements PersistenceExceptionTranslator {

	private static final Metadata.Key<String> EXCEPTION = Metadata.Key.of("exception",
			Metadata.ASCII_STRING_MARSHALLER);

	private static final Metadata.Key<String> STREAM_NAME = Metadata.Key.of("stream-name",
			Metadata.ASCII_STRING_MARSHALLER);

	// Bounds the walk down the cause chain; real chains are two or three deep.
	private static final int MAX_CAUSE_DEPTH = 16;

	@Override
	public DataAccessException translateExceptionIfPossible(RuntimeException ex) {
		Throwable failure = unwrap(ex);
		return (failure instanceof DataAccessException dae) ? dae : translateKnown(failure, null);
	}

	/**
	 * Translate whatever a client call failed with, unwrapping {@link ExecutionException} and
	 * {@link CompletionException}. Never returns {@code null}: failures that fit nothing more specific become an
	 * {@link UncategorizedEsdbException}.
	 * @param operation what was being done, for the message, for example {@code "append to stream 'orders-1'"}
	 * @param ex the failure
	 * @return the Spring exception
	 */
	public DataAccessException translate(String operation, Throwable ex) {
		Throwable failure = unwrap(ex);
		if (failure instanceof DataAccessException dae) {
			return dae;
		}
		DataAccessException known = translateKnown(failure, operation);
		if (known != null) {
			return known;
		}
		if (failure instanceof UnsupportedOperationException) {
			// The client's own check, e.g. multi-stream append against a server without the v2 AppendSession.
			return new InvalidDataAccessResourceUsageException(
					"The KurrentDB server does not support " + operation + ": " + failure.getMessage(), failure);
		}
		if (failure instanceof IllegalArgumentException) {
			return new InvalidDataAccessApiUsageException(
					"The KurrentDB client rejected " + operation + ": " + failure.getMessage(), failure);
		}
		return new UncategorizedEsdbException("KurrentDB failure during " + operation + ": " + failure, failure);
	}

	private DataAccessException translateKnown(Throwable failure, @Nullable String operation) {
		Throwable t = failure;
		for (int depth = 0; t != null && depth < MAX_CAUSE_DEPTH; depth++, t = t.getCause()) {
			DataAccessException translated = translateOne(t, failure, operation);
			if (translated != null) {
				return translated;
			}
		}
		return null;
	}

	private DataAccessException translateOne(Throwable t, Throwable failure, @Nullable String operation) {
		if (t instanceof WrongExpectedVersionException wev) {
			return new EsdbWrongExpectedVersionException(wev.getStreamName(), wev.getExpectedState(),
					wev.getActualState(), failure);
		}
		if (t instanceof StreamDeletedException deleted) {
			return new EsdbStreamDeletedException(deleted.getStreamName(), failure);
		}
		if (t instanceof StreamTombstonedException tombstoned) {
			return new EsdbStreamDeletedException(tombstoned.getStreamName(), failure);
		}
		if (t instanceof StreamNotFoundException notFound) {
			return new EmptyResultDataAccessException("Stream '" + notFound.getStreamName() + "' does not exist", 1,
					failure);
		}
		if (t instanceof NotLeaderException notLeader) {
			return new EsdbNotLeaderException(notLeader.getLeaderEndpoint(), failure);
		}
		if (t instanceof ConnectionShutdownException || t instanceof NoClusterNodeFoundException) {
			// The client gave up after its discovery attempts; it stays shut down until the application restarts it.
			return new DataAccessResourceFailureException("The KurrentDB client is shut down: no node was reachable",
					failure);
		}
		if (t instanceof RecordSizeExceededException tooBig) {
			return new InvalidDataAccessApiUsageException("Event " + tooBig.getRecordId() + " for stream '"
					+ tooBig.getStream() + "' is " + tooBig.getSize() + " bytes; the server accepts at most "
					+ tooBig.getMaxSize(), failure);
		}
		if (t instanceof TransactionMaxSizeExceededException tooBig) {
			return new InvalidDataAccessApiUsageException("The append is " + tooBig.getSize()
					+ " bytes; the server accepts at most " + tooBig.getMaxSize(), failure);
		}
		if (t instanceof UnsupportedFeatureException) {
			return new InvalidDataAccessResourceUsageException("The KurrentDB server does not support this operation",
					failure);
		}
		if (t instanceof StatusRuntimeException || t instanceof StatusException) {
			return translateStatus(Status.fromThrowable(t), Status.trailersFromThrowable(t), failure, operation);
		}
		return null;
	}

	private DataAccessException translateStatus(Status status, Metadata trailers, Throwable failure,
			@Nullable String operation) {
		String exception = (trailers != null) ? trailers.get(EXCEPTION) : null;
		// Reads of a tombstoned stream arrive as a bare status: the client only decodes these trailers on writes.
		if ("stream-deleted".equals(exception)) {
			return new EsdbStreamDeletedException(trailers.get(STREAM_NAME), failure);
		}
		String message = "KurrentDB call failed with " + status.getCode()
				+ ((status.getDescription() != null) ? ": " + status.getDescription() : "");
		return switch (status.getCode()) {
			case UNAVAILABLE, RESOURCE_EXHAUSTED -> new TransientDataAccessResourceException(message, failure);
			case DEADLINE_EXCEEDED -> new QueryTimeoutException(message, failure);
			// The v1 server reports its own operation timeout as ABORTED ("Operation timed out").
			case ABORTED -> isTimeout(status) ? new QueryTimeoutException(message, failure)
					: new TransientDataAccessResourceException(message, failure);
			// Authenticated but not allowed: the ACLs or the node's rules refuse this operation to this user.
			case PERMISSION_DENIED -> new EsdbAccessDeniedException(operation, failure);
			case UNAUTHENTICATED -> new PermissionDeniedDataAccessException(message, failure);
			case INVALID_ARGUMENT, OUT_OF_RANGE -> new InvalidDataAccessApiUsageException(message, failure);
			case NOT_FOUND, UNIMPLEMENTED, FAILED_PRECONDITION, ALREADY_EXISTS ->
				new InvalidDataAccessResourceUsageException(message, failure);
			default -> new UncategorizedEsdbException(message, failure);
		};
	}

	private static boolean isTimeout(Status status) {
		String description = status.getDescription();
		return description != null && description.toLowerCase(java.util.Locale.ROOT).contains("timed out");
	}

	private static Throwable unwrap(Throwable ex) {
		Throwable current = ex;
		int depth = 0;
		while ((current instanceof ExecutionException || current instanceof CompletionException)
				&& current.getCause() != null && depth++ < MAX_CAUSE_DEPTH) {
			current = current.getCause();
		}
		return current;
	}

}
