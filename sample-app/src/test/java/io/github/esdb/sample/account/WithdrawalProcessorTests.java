package io.github.esdb.sample.account;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import io.github.esdb.boot.test.EsdbTest;
import io.github.esdb.boot.test.SubscriptionAwaiter;
import io.github.esdb.core.AppendResult;
import io.github.esdb.core.EsdbOperations;
import io.github.esdb.sample.account.AccountEvents.AccountOpened;
import io.github.esdb.sample.account.AccountEvents.MoneyDeposited;
import io.github.esdb.sample.account.AccountEvents.MoneyWithdrawn;
import io.github.esdb.sample.account.AccountEvents.WithdrawalRequested;
import io.github.esdb.subscription.SubscriptionRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The withdrawal processor (a persistent subscription) alone, in an {@code @EsdbTest} slice.
 */
@EsdbTest(WithdrawalProcessor.class)
class WithdrawalProcessorTests {

	@Autowired
	private EsdbOperations esdb;

	@Autowired
	private SubscriptionAwaiter subscriptions;

	@Autowired
	private SubscriptionRegistry registry;

	@Test
	void paysOutWhatTheAccountCoversAndParksTheRest() {
		String stream = AccountEvents.stream("w1");
		this.esdb.append(stream, new AccountOpened("w1", "Ada"), new MoneyDeposited("w1", 100));
		AppendResult covered = this.esdb.append(stream, new WithdrawalRequested("w1", "r1", 30));
		this.subscriptions.awaitProcessed(covered);
		assertThat(events(stream)).contains(new MoneyWithdrawn("w1", "r1", 30));

		long parkedBefore = this.registry.snapshot("withdrawals").orElseThrow().nacked();
		AppendResult tooMuch = this.esdb.append(stream, new WithdrawalRequested("w1", "r2", 5000));
		this.subscriptions.awaitProcessed(tooMuch);
		assertThat(this.registry.snapshot("withdrawals").orElseThrow().nacked()).isEqualTo(parkedBefore + 1);
		assertThat(events(stream)).doesNotContain(new MoneyWithdrawn("w1", "r2", 5000));
	}

	private List<Object> events(String stream) {
		return this.esdb.fold(stream, new ArrayList<>(), (events, event) -> {
			events.add(event);
			return events;
		});
	}

}
