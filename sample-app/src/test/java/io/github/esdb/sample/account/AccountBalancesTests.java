package io.github.esdb.sample.account;

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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The balances read model alone ({@code @EsdbTest} slice: the starter, a fresh embedded server, this subscription;
 * no web layer, no withdrawal processor).
 */
@EsdbTest(AccountBalances.class)
class AccountBalancesTests {

	@Autowired
	private EsdbOperations esdb;

	@Autowired
	private SubscriptionAwaiter subscriptions;

	@Autowired
	private AccountBalances balances;

	@Test
	void depositsAndWithdrawalsMoveTheBalance() {
		String stream = AccountEvents.stream("a1");
		this.esdb.append(stream, new AccountOpened("a1", "Ada"));
		this.esdb.append(stream, new MoneyDeposited("a1", 100));
		AppendResult last = this.esdb.append(stream, new MoneyWithdrawn("a1", "r1", 30));
		this.subscriptions.awaitProcessed(last);
		assertThat(this.balances.find("a1")).hasValueSatisfying((balance) -> {
			assertThat(balance.owner()).isEqualTo("Ada");
			assertThat(balance.balance()).isEqualTo(70);
			assertThat(balance.version()).isEqualTo(2);
		});
	}

	@Test
	void aRequestAloneChangesNothing() {
		String stream = AccountEvents.stream("a2");
		this.esdb.append(stream, new AccountOpened("a2", "Grace"));
		// The read model does not receive WithdrawalRequested: nothing to wait for.
		this.subscriptions.awaitProcessed(this.esdb.append(stream, new WithdrawalRequested("a2", "r2", 10)));
		assertThat(this.balances.find("a2")).hasValueSatisfying((balance) -> assertThat(balance.balance()).isZero());
	}

}
