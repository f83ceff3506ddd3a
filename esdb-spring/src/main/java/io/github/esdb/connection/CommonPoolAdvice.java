package io.github.esdb.connection;

import java.util.Optional;
import java.util.concurrent.ForkJoinPool;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the JVM's common pool makes every client call start threads. The official client composes each call with
 * {@code CompletableFuture.thenComposeAsync} and {@code handleAsync} without an executor; when the common pool's
 * parallelism is below 2 (the JDK's default on a machine with one or two CPUs, such as a small container) the JDK
 * runs such steps on a new thread each, two per call, which cost an append or a read about three times the CPU of a
 * pooled thread (measured in docs/performance.md). A library must not change a JVM-wide setting, so the operator is
 * told once how to.
 */
final class CommonPoolAdvice {

	/** The system property that sets the common pool's parallelism; read by the JDK when the pool is created. */
	static final String PROPERTY = "java.util.concurrent.ForkJoinPool.common.parallelism";

	private static final Logger logger = LoggerFactory.getLogger(CommonPoolAdvice.class);

	private CommonPoolAdvice() {
	}

	/**
	 * Log the advice for this JVM, if any: once per client provider that creates clients, at start-up.
	 */
	static void logForThisJvm() {
		of(ForkJoinPool.getCommonPoolParallelism(), Runtime.getRuntime().availableProcessors()).ifPresent(logger::info);
	}

	/**
	 * The advice for a common pool of the given parallelism.
	 * @param parallelism the common pool's parallelism
	 * @param cpus the CPUs the JVM sees
	 * @return the log message, or empty when the pool reuses its threads
	 */
	static Optional<String> of(int parallelism, int cpus) {
		if (parallelism > 1) {
			return Optional.empty();
		}
		return Optional.of("The JVM's common ForkJoinPool has a parallelism of " + parallelism + " (" + cpus
				+ " CPU(s)), so the KurrentDB client starts a new thread for each asynchronous step of every call (two "
				+ "per append, read or subscribe), which about triples the CPU each call costs. Start the JVM with -D"
				+ PROPERTY + "=2 (or more) to let it reuse pooled threads.");
	}

}
