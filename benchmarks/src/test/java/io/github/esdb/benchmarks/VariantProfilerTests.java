package io.github.esdb.benchmarks;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.within;

/**
 * How a variant's profile is split into the consumer's share, with and without Jackson, from async-profiler's
 * collapsed stacks as the real profiles have them; and that asking for profiles without async-profiler says what to
 * add.
 */
class VariantProfilerTests {

	private static final String DELIVERY = "java/lang/Thread.run;io/grpc/internal/SerializingExecutor.run;"
			+ "io/kurrent/dbclient/ReadResponseObserver.onNext;io/kurrent/dbclient/SubscriptionStreamConsumer.onEvent";

	@Test
	void splitsTheConsumersSamplesFromTheClientsAndTheServers() {
		List<String> profile = List.of(
				// The client's own work per event, above any listener.
				DELIVERY + ";io/kurrent/dbclient/ClientTelemetry.tryExtractTracingContext 40",
				// The starter's delivery path: its own frames, and the handler's Jackson call below them.
				DELIVERY + ";io/github/esdb/subscription/container/CatchUpSubscriber$1.onEvent;"
						+ "io/github/esdb/subscription/container/Session.receive 6",
				DELIVERY + ";io/github/esdb/subscription/container/CatchUpSubscriber$1.onEvent;"
						+ "io/github/esdb/serialization/JacksonEventSerializer.deserialize;"
						+ "tools/jackson/databind/ObjectMapper.readValue 20",
				// The embedded server and the starter's worker calling the client: no client frame above them.
				"java/lang/Thread.run;io/github/esdb/embedded/grpc/ResponsePump.drain 30",
				"java/lang/Thread.run;io/github/esdb/subscription/container/DefaultSubscriptionContainer$Run.run;"
						+ "io/kurrent/dbclient/KurrentDBClient.appendToStream 4",
				"");
		VariantProfiler.Split split = VariantProfiler.Split.of(profile, 1_000);
		double perSample = VariantProfiler.INTERVAL_MICROS / 1_000.0;
		assertThat(split.processMicros()).isCloseTo(100 * perSample, within(1e-9));
		assertThat(split.consumerMicros()).isCloseTo(26 * perSample, within(1e-9));
		assertThat(split.outsideJacksonMicros()).isCloseTo(6 * perSample, within(1e-9));
	}

	@Test
	void aRawListenerIsTheConsumerToo() {
		VariantProfiler.Split split = VariantProfiler.Split.of(List.of(
				DELIVERY + ";io/github/esdb/benchmarks/StarterOverheadBenchmark$3.onEvent;"
						+ "tools/jackson/databind/ObjectMapper.readValue 10",
				DELIVERY + ";io/github/esdb/benchmarks/StarterOverheadBenchmark$3.onEvent;"
						+ "io/github/esdb/benchmarks/Probe.hit 2"),
				100);
		assertThat(split.consumerMicros()).isCloseTo(12 * VariantProfiler.INTERVAL_MICROS / 100.0, within(1e-9));
		assertThat(split.outsideJacksonMicros()).isCloseTo(2 * VariantProfiler.INTERVAL_MICROS / 100.0,
				within(1e-9));
	}

	@Test
	void profilingWithoutAsyncProfilerOnTheClassPathSaysWhatToAdd() {
		// The test class path does not carry async-profiler.
		assertThatIllegalStateException().isThrownBy(() -> VariantProfiler.to(Path.of("target/profiles")))
			.withMessageContaining("--profile needs async-profiler's jar on the class path")
			.withMessageContaining("tools.profiler:async-profiler:4.1:jar:linux-x64");
	}

}
