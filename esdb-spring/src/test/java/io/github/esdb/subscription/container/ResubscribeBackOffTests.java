package io.github.esdb.subscription.container;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The back-off between resubscription attempts.
 */
class ResubscribeBackOffTests {

	@Test
	void growsIsCappedAndJittered() {
		ResubscribeBackOff backOff = new ResubscribeBackOff(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, 0.2);
		assertThat(backOff.delay(1, 0.5)).isEqualTo(Duration.ofMillis(100));
		assertThat(backOff.delay(3, 0.5)).isEqualTo(Duration.ofMillis(400));
		assertThat(backOff.delay(10, 0.5)).isEqualTo(Duration.ofSeconds(1));
		assertThat(backOff.delay(1, 0.0)).isEqualTo(Duration.ofMillis(80));
		assertThat(backOff.delay(1, 0.9999)).isBetween(Duration.ofMillis(119), Duration.ofMillis(120));
	}

}
