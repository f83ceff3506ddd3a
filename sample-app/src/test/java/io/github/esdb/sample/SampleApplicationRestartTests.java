package io.github.esdb.sample;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.github.esdb.boot.test.EmbeddedEsdbExtension;
import io.github.esdb.boot.test.SubscriptionAwaiter;
import io.github.esdb.core.AppendResult;
import io.github.esdb.core.EsdbOperations;
import io.github.esdb.sample.account.AccountBalances;
import io.github.esdb.sample.account.AccountEvents;
import io.github.esdb.sample.account.AccountEvents.AccountOpened;
import io.github.esdb.sample.account.AccountEvents.MoneyDeposited;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample restarted against the same database (here a server that outlives both runs, as a real node would):
 * the in-memory balances come back, because their checkpoints live in memory too and the second run rebuilds them
 * from the start.
 */
class SampleApplicationRestartTests {

	@RegisterExtension
	static final EmbeddedEsdbExtension database = new EmbeddedEsdbExtension();

	private ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(SampleApplication.class)
			.properties("esdb.connection-string=" + database.connectionString(), "server.port=0",
					"spring.main.banner-mode=off")
			.run();
	}

	@Test
	void theBalancesReadModelIsRebuiltAfterARestart() {
		try (ConfigurableApplicationContext first = start()) {
			EsdbOperations esdb = first.getBean(EsdbOperations.class);
			esdb.append(AccountEvents.stream("r1"), new AccountOpened("r1", "Ada"));
			AppendResult deposit = esdb.append(AccountEvents.stream("r1"), new MoneyDeposited("r1", 100));
			first.getBean(SubscriptionAwaiter.class).awaitProcessed(deposit);
			assertThat(first.getBean(AccountBalances.class).find("r1")).isPresent();
		}
		try (ConfigurableApplicationContext second = start()) {
			second.getBean(SubscriptionAwaiter.class).awaitCaughtUp("account-balances");
			assertThat(second.getBean(AccountBalances.class).find("r1"))
				.hasValueSatisfying((balance) -> assertThat(balance.balance()).isEqualTo(100));
		}
	}

}
