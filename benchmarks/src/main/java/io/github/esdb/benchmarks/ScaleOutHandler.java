package io.github.esdb.benchmarks;

import java.time.Instant;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;

import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.EventSubscription;

/**
 * The scale-out scenario's catch-up handler: one row per call into {@code scaleout_handled} with the event id, the
 * replica and the call's start and end (microseconds of the host's wall clock, which the replicas and the database
 * share). With {@code scaleout.transactional=true} the row commits in the same transaction as the checkpoint (and
 * rolls back with it when the replica dies or is fenced); otherwise it commits on its own (autocommit), before the
 * checkpoint.
 */
class ScaleOutHandler {

	private final JdbcTemplate jdbc;

	private final String replica;

	ScaleOutHandler(JdbcTemplate jdbc, @Value("${esdb.subscriptions.coordination.instance-id}") String replica) {
		this.jdbc = jdbc;
		this.replica = replica;
	}

	@EventSubscription(id = "${scaleout.subscription-id}", stream = "${scaleout.stream}",
			transactional = "${scaleout.transactional}", concurrency = "${scaleout.segments:1}",
			partitionBy = "${scaleout.partition-by:}")
	void on(byte[] data, EventContext context) {
		long started = ScaleOutHandler.micros(Instant.now());
		// A segment's worker thread is named after it (esdb-subscription-<id>/segment-i-of-n); empty when whole.
		String thread = Thread.currentThread().getName();
		String segment = thread.contains("/segment-") ? thread.substring(thread.lastIndexOf('/') + 1) : "";
		// The end is the database's clock when it executes the insert, the handler's last work: PostgreSQL runs on
		// this host (127.0.0.1), so both clocks are the host's wall clock.
		this.jdbc.update("INSERT INTO scaleout_handled (event_id, revision, replica, segment, started_us, ended_us) "
				+ "VALUES (?, ?, ?, ?, ?, (EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::BIGINT)",
				context.eventId(), context.revision(), this.replica, segment, started);
	}

	/**
	 * Microseconds since 1970 of an instant.
	 * @param instant the instant
	 * @return its microseconds
	 */
	static long micros(Instant instant) {
		return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
	}

}
