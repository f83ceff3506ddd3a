package io.github.esdb.subscription;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.github.esdb.event.LogPosition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * How reset targets are written: a revision and a position cannot be mistaken for each other.
 */
class StartPositionTests {

	@Test
	void targetsOfAStreamSubscription() {
		assertThat(StartPosition.parseTarget("start", false)).isEqualTo(StartPosition.START);
		assertThat(StartPosition.parseTarget(" END ", false)).isEqualTo(StartPosition.END);
		assertThat(StartPosition.parseTarget("42", false)).isEqualTo(StartPosition.revision(42));
		assertThat(StartPosition.parseTarget("revision:42", false)).isEqualTo(StartPosition.revision(42));
		assertThat(StartPosition.parseTarget("2026-11-26T08:00:00Z", false))
			.isEqualTo(StartPosition.time(Instant.parse("2026-11-26T08:00:00Z")));
		assertThat(StartPosition.parseTarget("2026-11-26T09:00:00.5+01:00", false))
			.isEqualTo(StartPosition.time(Instant.parse("2026-11-26T08:00:00.5Z")));
	}

	@Test
	void targetsOfAnAllSubscription() {
		assertThat(StartPosition.parseTarget("1234", true)).isEqualTo(StartPosition.position(LogPosition.of(1234, 1234)));
		assertThat(StartPosition.parseTarget("position:C:1234/P:1200", true))
			.isEqualTo(StartPosition.position(LogPosition.of(1234, 1200)));
		assertThat(StartPosition.parseTarget("C:1234/P:1200", true))
			.isEqualTo(StartPosition.position(LogPosition.of(1234, 1200)));
		assertThat(StartPosition.parseTarget("position:1234", true))
			.isEqualTo(StartPosition.position(LogPosition.of(1234, 1234)));
	}

	@Test
	void targetsThatDoNotFit() {
		assertThatIllegalArgumentException().isThrownBy(() -> StartPosition.parseTarget("revision:42", true))
			.withMessageContaining("the subscription is to $all");
		assertThatIllegalArgumentException().isThrownBy(() -> StartPosition.parseTarget("position:C:1/P:1", false))
			.withMessageContaining("the subscription is to a stream");
		assertThatIllegalArgumentException().isThrownBy(() -> StartPosition.parseTarget("revision:-1", false))
			.withMessageContaining("negative");
		assertThatIllegalArgumentException().isThrownBy(() -> StartPosition.parseTarget("2026-11-26T08:00:00", false))
			.withMessageContaining("ISO-8601 time with an offset");
		assertThatIllegalArgumentException().isThrownBy(() -> StartPosition.parseTarget("yesterday", false))
			.withMessageContaining("not a start position");
	}

	@Test
	void aTimeIsWrittenAsAnInstant() {
		assertThat(StartPosition.time(Instant.parse("2026-11-26T08:00:00Z"))).hasToString("2026-11-26T08:00:00Z");
	}

}
