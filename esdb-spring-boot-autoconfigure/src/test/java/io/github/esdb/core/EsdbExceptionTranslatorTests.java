package io.github.esdb.core;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.dao.InvalidDataAccessResourceUsageException;
import org.springframework.dao.PermissionDeniedDataAccessException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gRPC status part of the translation table, with the status exceptions the client lets through. The client's
 * own exception types are translated in {@link EsdbTemplateIntegrationTests} from real server answers.
 */
class EsdbExceptionTranslatorTests {

	private final EsdbExceptionTranslator translator = new EsdbExceptionTranslator();

	@Test
	void translatesStatusCodes() {
		assertThat(translate(Status.UNAVAILABLE)).isExactlyInstanceOf(TransientDataAccessResourceException.class);
		assertThat(translate(Status.RESOURCE_EXHAUSTED)).isExactlyInstanceOf(TransientDataAccessResourceException.class);
		assertThat(translate(Status.DEADLINE_EXCEEDED)).isExactlyInstanceOf(QueryTimeoutException.class);
		assertThat(translate(Status.ABORTED.withDescription("Operation timed out: append")))
			.isExactlyInstanceOf(QueryTimeoutException.class);
		assertThat(translate(Status.ABORTED)).isExactlyInstanceOf(TransientDataAccessResourceException.class);
		assertThat(translate(Status.PERMISSION_DENIED)).isExactlyInstanceOf(EsdbAccessDeniedException.class);
		assertThat(translate(Status.UNAUTHENTICATED)).isExactlyInstanceOf(PermissionDeniedDataAccessException.class);
		assertThat(translate(Status.INVALID_ARGUMENT)).isExactlyInstanceOf(InvalidDataAccessApiUsageException.class);
		assertThat(translate(Status.UNIMPLEMENTED)).isExactlyInstanceOf(InvalidDataAccessResourceUsageException.class);
		assertThat(translate(Status.INTERNAL)).isExactlyInstanceOf(UncategorizedEsdbException.class);
	}

	@Test
	void readsTheStreamDeletedTrailers() {
		Metadata trailers = new Metadata();
		trailers.put(Metadata.Key.of("exception", Metadata.ASCII_STRING_MARSHALLER), "stream-deleted");
		trailers.put(Metadata.Key.of("stream-name", Metadata.ASCII_STRING_MARSHALLER), "order-1");
		StatusRuntimeException failure = Status.FAILED_PRECONDITION.asRuntimeException(trailers);
		assertThat(this.translator.translate("read", failure)).isInstanceOfSatisfying(EsdbStreamDeletedException.class,
				(ex) -> assertThat(ex.getStream()).isEqualTo("order-1"));
	}

	@Test
	void unwrapsFutureExceptionsAndKeepsTheClientExceptionAsCause() {
		StatusRuntimeException failure = Status.UNAVAILABLE.asRuntimeException();
		DataAccessException translated = this.translator.translate("append",
				new ExecutionException(new CompletionException(failure)));
		assertThat(translated).isInstanceOf(TransientDataAccessResourceException.class).hasCause(failure);
	}

	@Test
	void leavesForeignExceptionsToOtherTranslators() {
		assertThat(this.translator.translateExceptionIfPossible(new IllegalStateException("not ours"))).isNull();
		assertThat(this.translator.translateExceptionIfPossible(Status.DEADLINE_EXCEEDED.asRuntimeException()))
			.isInstanceOf(QueryTimeoutException.class);
		// Within the template, anything a client call throws is translated, at worst as uncategorized.
		assertThat(this.translator.translate("append", new IllegalStateException("odd")))
			.isInstanceOf(UncategorizedEsdbException.class)
			.hasMessageContaining("append");
	}

	private DataAccessException translate(Status status) {
		return this.translator.translate("call", status.asRuntimeException());
	}

}
