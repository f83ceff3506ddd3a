package io.github.esdb.connection;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The advice about the common pool: given when the JDK would start a thread per asynchronous step, never otherwise.
 */
class CommonPoolAdviceTests {

	@Test
	void advisesTheSystemPropertyWhenThePoolCannotReuseThreads() {
		assertThat(CommonPoolAdvice.of(1, 2)).hasValueSatisfying((message) -> assertThat(message)
			.contains("parallelism of 1 (2 CPU(s))")
			.contains("-Djava.util.concurrent.ForkJoinPool.common.parallelism=2"));
		assertThat(CommonPoolAdvice.of(2, 2)).isEmpty();
		assertThat(CommonPoolAdvice.of(7, 8)).isEmpty();
	}

	@Test
	void theAdviceFollowsWhatTheJdkDoesWithAsyncStepsInThisJvm() throws Exception {
		// The JDK's own rule: below a parallelism of 2, an async step without an executor runs on a new thread.
		Thread caller = Thread.currentThread();
		String stepThread = CompletableFuture.completedFuture(caller)
			.thenApplyAsync((ignored) -> Thread.currentThread().getName())
			.get();
		boolean pooled = stepThread.startsWith("ForkJoinPool.commonPool");
		assertThat(CommonPoolAdvice.of(ForkJoinPool.getCommonPoolParallelism(),
				Runtime.getRuntime().availableProcessors()).isEmpty()).isEqualTo(pooled);
	}

}
