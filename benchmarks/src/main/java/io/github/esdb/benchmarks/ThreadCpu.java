package io.github.esdb.benchmarks;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where a variant's CPU went, by kind of thread, and how often the process's threads were switched out: two sides
 * that use the same CPU per event in their own code can still differ in what the JVM does for them (the JIT, the
 * garbage collector) and in how many threads they keep busy. Read before and after a variant; the difference is
 * printed with it.
 * <p>
 * Threads are told apart by name: gRPC's shared executor ({@code grpc-default-executor}: the client's callbacks,
 * where both sides' handlers run, and the embedded server's services other than the built-in streams service, such
 * as persistent subscriptions), the gRPC transport's event loops (the client's and the server's), the client's
 * connection loop ({@code esdb-client-}), the embedded server's own threads ({@code esdb-embedded-}), the starter's
 * threads (other {@code esdb-} names), and other Java threads. What the process used beyond its Java threads is the
 * JVM's own: the JIT's compiler threads and the garbage collector, printed with the JIT's elapsed compile time
 * ({@code CompilationMXBean}; elapsed, not CPU, so a compiler thread waiting for a core still counts) and the
 * collections ({@code GarbageCollectorMXBean}; pauses only: the concurrent marking threads' CPU shows in the JVM's
 * share). A Java thread that ended between two readings takes its CPU since the first with it, which then counts as
 * the JVM's. Also printed: what the Java threads live at both readings allocated on the heap (HotSpot's
 * {@code com.sun.management.ThreadMXBean}; a thread that ended in between takes its allocation with it), since two
 * sides that allocate alike give the collector the same work.
 *
 * @param threads CPU and allocation so far by live Java thread id, with the thread's group
 * @param switches context switches so far by Linux task id (every thread of the process, the JVM's own too), empty
 * where {@code /proc} is not there
 * @param processCpuNanos the process's CPU so far, read last
 * @param jitMillis the JIT's compilation time so far, -1 where unknown
 * @param gcCount the garbage collections so far
 * @param gcMillis their time so far (pauses and concurrent cycles, elapsed)
 * @param executorThreads live threads of gRPC's shared executor
 */
record ThreadCpu(Map<Long, Used> threads, Map<String, Switches> switches, long processCpuNanos, long jitMillis,
		long gcCount, long gcMillis, int executorThreads) {

	static final String EXECUTOR = "executor";

	static final String TRANSPORT = "transport";

	static final String CLIENT = "client loop";

	static final String SERVER = "server";

	static final String STARTER = "starter";

	static final String OTHER = "other";

	private static final List<String> GROUPS = List.of(EXECUTOR, TRANSPORT, CLIENT, SERVER, STARTER, OTHER);

	/**
	 * Read this process now.
	 * @return the reading
	 */
	static ThreadCpu now() {
		ThreadMXBean bean = ManagementFactory.getThreadMXBean();
		Map<Long, Used> threads = new HashMap<>();
		int executorThreads = 0;
		// Names without stacks: a stack per thread would be a safepoint and hundreds of arrays between variants.
		for (ThreadInfo info : bean.getThreadInfo(bean.getAllThreadIds(), 0)) {
			if (info == null) {
				continue;
			}
			String group = groupOf(info.getThreadName());
			if (group.equals(EXECUTOR)) {
				executorThreads++;
			}
			long cpu = bean.getThreadCpuTime(info.getThreadId());
			if (cpu >= 0) {
				threads.put(info.getThreadId(), new Used(group, cpu, allocatedBytes(bean, info.getThreadId())));
			}
		}
		CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
		long jitMillis = (jit != null && jit.isCompilationTimeMonitoringSupported()) ? jit.getTotalCompilationTime()
				: -1;
		long gcCount = 0;
		long gcMillis = 0;
		for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
			gcCount += Math.max(0, collector.getCollectionCount());
			gcMillis += Math.max(0, collector.getCollectionTime());
		}
		Map<String, Switches> switches = contextSwitches();
		return new ThreadCpu(threads, switches, StarterOverheadBenchmark.processCpuNanos(), jitMillis, gcCount,
				gcMillis, executorThreads);
	}

	/** What a thread allocated so far (HotSpot's extension), 0 where the JVM does not say. */
	private static long allocatedBytes(ThreadMXBean bean, long threadId) {
		if (bean instanceof com.sun.management.ThreadMXBean hotSpot && hotSpot.isThreadAllocatedMemorySupported()
				&& hotSpot.isThreadAllocatedMemoryEnabled()) {
			return Math.max(0, hotSpot.getThreadAllocatedBytes(threadId));
		}
		return 0;
	}

	/**
	 * The group of a thread, by its name.
	 * @param name the thread's name
	 * @return one of the groups
	 */
	static String groupOf(String name) {
		if (name.startsWith("grpc-default-executor")) {
			return EXECUTOR;
		}
		if (name.contains("ELG") || name.contains("epoll") || name.contains("nio")) {
			return TRANSPORT;
		}
		if (name.startsWith("esdb-client-")) {
			return CLIENT;
		}
		if (name.startsWith("esdb-embedded-")) {
			return SERVER;
		}
		if (name.startsWith("esdb-")) {
			return STARTER;
		}
		return OTHER;
	}

	/**
	 * What happened between an earlier reading and this one, as printed after a variant's rate.
	 * @param before the earlier reading
	 * @return e.g. {@code executor 9,120 | transport 2,310 | client loop 3 | server 2,100 | starter 12 | other 40 |
	 * jvm 700 ms (jit 400 ms elapsed, 12 gcs 90 ms); 1,240 MB allocated; 57 executor threads; switches 120k
	 * waiting, 30k preempted; JVM uptime 81.2 s}
	 */
	String since(ThreadCpu before) {
		Map<String, Long> groups = new LinkedHashMap<>();
		GROUPS.forEach((group) -> groups.put(group, 0L));
		long java = 0;
		long allocated = 0;
		for (Map.Entry<Long, Used> thread : this.threads.entrySet()) {
			Used earlier = before.threads.get(thread.getKey());
			long used = thread.getValue().cpuNanos() - ((earlier != null) ? earlier.cpuNanos() : 0);
			groups.merge(thread.getValue().group(), used, Long::sum);
			java += used;
			allocated += thread.getValue().allocatedBytes() - ((earlier != null) ? earlier.allocatedBytes() : 0);
		}
		long jvm = Math.max(0, this.processCpuNanos - before.processCpuNanos - java);
		StringBuilder text = new StringBuilder();
		groups.forEach((group, used) -> text.append(group)
			.append(String.format(Locale.ROOT, " %,d | ", used / 1_000_000)));
		text.append(String.format(Locale.ROOT,
				"jvm %,d ms (jit %s elapsed, %d gcs %,d ms); %,d MB allocated; %d executor threads", jvm / 1_000_000,
				(this.jitMillis >= 0 && before.jitMillis >= 0)
						? String.format(Locale.ROOT, "%,d ms", this.jitMillis - before.jitMillis) : "unknown",
				this.gcCount - before.gcCount, this.gcMillis - before.gcMillis, allocated / (1024 * 1024),
				this.executorThreads));
		if (!this.switches.isEmpty()) {
			long waiting = 0;
			long preempted = 0;
			for (Map.Entry<String, Switches> task : this.switches.entrySet()) {
				Switches earlier = before.switches.getOrDefault(task.getKey(), Switches.NONE);
				waiting += task.getValue().voluntary() - earlier.voluntary();
				preempted += task.getValue().involuntary() - earlier.involuntary();
			}
			text.append(String.format(Locale.ROOT, "; switches %,dk waiting, %,dk preempted", waiting / 1000,
					preempted / 1000));
		}
		// To find the variant in a flight recording or a GC log of the same run.
		text.append(String.format(Locale.ROOT, "; JVM uptime %.1f s",
				ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0));
		return text.toString();
	}

	/** Each live task's switches (Linux's {@code /proc}); empty elsewhere. */
	private static Map<String, Switches> contextSwitches() {
		Path tasks = Path.of("/proc/self/task");
		Map<String, Switches> switches = new HashMap<>();
		if (!Files.isDirectory(tasks)) {
			return switches;
		}
		try (Stream<Path> each = Files.list(tasks)) {
			for (Path task : (Iterable<Path>) each::iterator) {
				long voluntary = -1;
				long involuntary = -1;
				try {
					for (String line : Files.readAllLines(task.resolve("status"))) {
						if (line.startsWith("voluntary_ctxt_switches:")) {
							voluntary = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
						}
						else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
							involuntary = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
						}
					}
				}
				catch (IOException | RuntimeException ex) {
					// The thread ended while we looked.
					continue;
				}
				if (voluntary >= 0 && involuntary >= 0) {
					switches.put(task.getFileName().toString(), new Switches(voluntary, involuntary));
				}
			}
		}
		catch (IOException ex) {
			switches.clear();
		}
		return switches;
	}

	/**
	 * One thread's CPU and allocation so far.
	 * @param group its group
	 * @param cpuNanos its CPU
	 * @param allocatedBytes what it allocated on the heap, 0 where the JVM does not say
	 */
	record Used(String group, long cpuNanos, long allocatedBytes) {
	}

	/**
	 * One task's context switches so far.
	 * @param voluntary while waiting (a lock, a queue, I/O, a sleep)
	 * @param involuntary preempted by the scheduler
	 */
	record Switches(long voluntary, long involuntary) {

		static final Switches NONE = new Switches(0, 0);

	}

}
