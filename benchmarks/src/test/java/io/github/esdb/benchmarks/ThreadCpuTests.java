package io.github.esdb.benchmarks;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-variant CPU breakdown: threads grouped by name, differences per thread and per task, and what the process
 * used beyond its Java threads counted as the JVM's.
 */
class ThreadCpuTests {

	private static final long MS = 1_000_000;

	private static final long MB = 1024 * 1024;

	@Test
	void groupsThreadsByName() {
		assertThat(ThreadCpu.groupOf("grpc-default-executor-12")).isEqualTo(ThreadCpu.EXECUTOR);
		assertThat(ThreadCpu.groupOf("grpc-nio-worker-ELG-1-3")).isEqualTo(ThreadCpu.TRANSPORT);
		assertThat(ThreadCpu.groupOf("grpc-default-worker-ELG-4-1")).isEqualTo(ThreadCpu.TRANSPORT);
		assertThat(ThreadCpu.groupOf("esdb-client-1")).isEqualTo(ThreadCpu.CLIENT);
		assertThat(ThreadCpu.groupOf("esdb-embedded-3")).isEqualTo(ThreadCpu.SERVER);
		assertThat(ThreadCpu.groupOf("esdb-subscription-orders")).isEqualTo(ThreadCpu.STARTER);
		assertThat(ThreadCpu.groupOf("main")).isEqualTo(ThreadCpu.OTHER);
	}

	@Test
	void countsWhatEachThreadUsedSinceTheEarlierReadingAndTheRestAsTheJvms() {
		ThreadCpu before = new ThreadCpu(
				Map.of(1L, new ThreadCpu.Used(ThreadCpu.EXECUTOR, 100 * MS, 10 * MB), 2L,
						new ThreadCpu.Used(ThreadCpu.SERVER, 50 * MS, 5 * MB), 3L,
						new ThreadCpu.Used(ThreadCpu.STARTER, 400 * MS, 90 * MB)),
				Map.of("10", new ThreadCpu.Switches(1_000, 500), "11", new ThreadCpu.Switches(7_000, 0)), 1_000 * MS,
				200, 3, 30, 5);
		// Thread 3 ended (its 400 ms since the start of the process are gone from the sum), thread 4 is new; task 11
		// ended and task 12 is new.
		ThreadCpu after = new ThreadCpu(
				Map.of(1L, new ThreadCpu.Used(ThreadCpu.EXECUTOR, 1_100 * MS, 110 * MB), 2L,
						new ThreadCpu.Used(ThreadCpu.SERVER, 250 * MS, 25 * MB), 4L,
						new ThreadCpu.Used(ThreadCpu.EXECUTOR, 300 * MS, 30 * MB)),
				Map.of("10", new ThreadCpu.Switches(3_000, 2_500), "12", new ThreadCpu.Switches(4_000, 1_000)),
				3_000 * MS, 900, 5, 75, 7);
		String text = after.since(before);
		// 2,000 ms in all: executor 1,000 + 300, server 200, the JVM the other 500. Allocated: 100 + 20 + 30 MB.
		assertThat(text).startsWith("executor 1,300 | transport 0 | client loop 0 | server 200 | starter 0 | other 0 | "
				+ "jvm 500 ms (jit 700 ms elapsed, 2 gcs 45 ms); 150 MB allocated; 7 executor threads; switches 6k waiting, 3k preempted");
	}

	@Test
	void saysSoWhenTheJitIsNotTimedAndLeavesOutSwitchesWithoutProc() {
		ThreadCpu before = new ThreadCpu(Map.of(), Map.of(), 0, -1, 0, 0, 0);
		ThreadCpu after = new ThreadCpu(Map.of(), Map.of(), 10 * MS, -1, 0, 0, 0);
		assertThat(after.since(before)).contains("jvm 10 ms (jit unknown elapsed, 0 gcs 0 ms); 0 MB allocated; 0 executor threads; JVM");
	}

}
