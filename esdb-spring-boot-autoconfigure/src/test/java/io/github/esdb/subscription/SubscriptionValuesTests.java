package io.github.esdb.subscription;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.github.esdb.event.LogPosition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The value types: start positions, filters, checkpoints and nack actions.
 */
class SubscriptionValuesTests {

	@Test
	void startPositionsParse() {
		assertThat(StartPosition.parse("start", false)).isEqualTo(StartPosition.START);
		assertThat(StartPosition.parse(" END ", true)).isEqualTo(StartPosition.END);
		assertThat(StartPosition.parse("42", false)).isEqualTo(StartPosition.revision(42));
		assertThat(StartPosition.parse("42", true)).isEqualTo(StartPosition.position(new LogPosition(42, 42)));
		assertThat(StartPosition.parse("C:100/P:90", true)).isEqualTo(StartPosition.position(new LogPosition(100, 90)));
		assertThatIllegalArgumentException().isThrownBy(() -> StartPosition.parse("C:100/P:90", false))
			.withMessageContaining("use a stream revision");
		assertThatIllegalArgumentException().isThrownBy(() -> StartPosition.parse("-1", false));
		assertThatIllegalArgumentException().isThrownBy(() -> StartPosition.parse("soon", false))
			.withMessageContaining("use start, end");
	}

	@Test
	void prefixesBecomeOneAnchoredEscapedRegex() {
		EventFilterSpec filter = EventFilterSpec.eventTypePrefixes("Order.", "Pay$");
		assertThat(filter.regex()).isEqualTo("^(?:Order\\.|Pay\\$)");
		Pattern pattern = Pattern.compile(filter.regex());
		assertThat(pattern.matcher("Order.Placed").find()).isTrue();
		assertThat(pattern.matcher("Pay$ment").find()).isTrue();
		assertThat(pattern.matcher("OrderXPlaced").find()).isFalse();
		assertThat(pattern.matcher("XOrder.Placed").find()).isFalse();
		assertThat(filter.matches("Pay$", "any")).isTrue();
	}

	@Test
	void exactTypesBecomeAFullyAnchoredRegex() {
		EventFilterSpec filter = EventFilterSpec.eventTypes(List.of("OrderShipped", "OrderPlaced"));
		assertThat(filter.regex()).isEqualTo("^(?:OrderPlaced|OrderShipped)$");
		assertThat(filter.matches("OrderPlaced", "s")).isTrue();
		assertThat(filter.matches("OrderPlacedV2", "s")).isFalse();
	}

	@Test
	void streamFiltersMatchStreamNames() {
		EventFilterSpec filter = EventFilterSpec.streamPrefixes("order-");
		assertThat(filter.onEventType()).isFalse();
		assertThat(filter.matches("Anything", "order-1")).isTrue();
		assertThat(filter.matches("Anything", "customer-1")).isFalse();
	}

	@Test
	void checkpointsCompareWithinTheirKind() {
		assertThat(Checkpoint.ofRevision(5).isAfter(Checkpoint.ofRevision(4))).isTrue();
		assertThat(Checkpoint.ofRevision(5).isAfter(Checkpoint.ofRevision(5))).isFalse();
		assertThat(Checkpoint.ofRevision(0).isAfter(null)).isTrue();
		assertThat(Checkpoint.ofPosition(new LogPosition(10, 10)).isAfter(Checkpoint.ofPosition(new LogPosition(9, 9))))
			.isTrue();
		assertThat(Checkpoint.ofPosition(new LogPosition(10, 10)).toString()).isEqualTo("C:10/P:10");
		assertThatIllegalArgumentException().isThrownBy(() -> new Checkpoint(null, null));
	}

	@Test
	void nackExceptionFactoriesCarryActionAndReason() {
		assertThat(NackException.park("p").getAction()).isEqualTo(NackException.Action.PARK);
		assertThat(NackException.retry("r").getAction()).isEqualTo(NackException.Action.RETRY);
		assertThat(NackException.skip("s").getReason()).isEqualTo("s");
		assertThat(NackException.stop("x").getAction()).isEqualTo(NackException.Action.STOP);
	}

}
