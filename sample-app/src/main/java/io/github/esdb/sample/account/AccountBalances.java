package io.github.esdb.sample.account;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.github.esdb.sample.account.AccountEvents.AccountOpened;
import io.github.esdb.sample.account.AccountEvents.MoneyDeposited;
import io.github.esdb.sample.account.AccountEvents.MoneyWithdrawn;
import io.github.esdb.subscription.EventHandler;
import io.github.esdb.subscription.EventSubscription;

import org.springframework.stereotype.Component;

/**
 * The read model: every account's balance, built by a catch-up subscription to {@code $all} (the server only sends
 * the three event types handled here). It lives in memory, so it must be rebuilt from the start at every launch: its
 * checkpoints live in memory too ({@code esdb.subscriptions.by-id.account-balances.checkpoint-store=memory} in
 * {@code application.yml}); with the default durable checkpoints a restart against a real node would resume after
 * the last checkpoint and show an empty model. The {@code esdbSubscriptionsCaughtUp} readiness check keeps traffic
 * away until it has caught up.
 */
@Component
@EventSubscription(id = AccountBalances.ID, stream = "$all")
public class AccountBalances {

	/** The subscription id. */
	public static final String ID = "account-balances";

	private final Map<String, Balance> balances = new ConcurrentHashMap<>();

	/**
	 * One account in the read model.
	 *
	 * @param accountId the account id
	 * @param owner the owner
	 * @param balance the balance in cents
	 * @param version how many balance-changing events were applied
	 */
	public record Balance(String accountId, String owner, long balance, long version) {
	}

	@EventHandler
	void on(AccountOpened opened) {
		this.balances.putIfAbsent(opened.accountId(), new Balance(opened.accountId(), opened.owner(), 0, 0));
	}

	@EventHandler
	void on(MoneyDeposited deposited) {
		this.balances.computeIfPresent(deposited.accountId(), (id, account) -> new Balance(id, account.owner(),
				account.balance() + deposited.amount(), account.version() + 1));
	}

	@EventHandler
	void on(MoneyWithdrawn withdrawn) {
		this.balances.computeIfPresent(withdrawn.accountId(), (id, account) -> new Balance(id, account.owner(),
				account.balance() - withdrawn.amount(), account.version() + 1));
	}

	/**
	 * One account.
	 * @param accountId the id
	 * @return the balance, empty if unknown (or not projected yet)
	 */
	public Optional<Balance> find(String accountId) {
		return Optional.ofNullable(this.balances.get(accountId));
	}

	/**
	 * All accounts.
	 * @return the balances
	 */
	public Map<String, Balance> all() {
		return Map.copyOf(this.balances);
	}

}
