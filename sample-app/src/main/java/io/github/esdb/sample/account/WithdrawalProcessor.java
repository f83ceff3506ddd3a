package io.github.esdb.sample.account;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.esdb.core.EsdbOperations;
import io.github.esdb.sample.account.AccountEvents.MoneyDeposited;
import io.github.esdb.sample.account.AccountEvents.MoneyWithdrawn;
import io.github.esdb.sample.account.AccountEvents.WithdrawalRequested;
import io.github.esdb.subscription.EventContext;
import io.github.esdb.subscription.EventSubscription;
import io.github.esdb.subscription.NackException;

import org.springframework.stereotype.Component;

/**
 * Reacts to withdrawal requests through the persistent subscription group {@code withdrawals} (the server tracks
 * what was acknowledged, several instances share the work). A request the account cannot cover is rejected with
 * {@link NackException#park(String)}: it lands in the group's parked stream, visible as
 * {@code esdb.persistent.parked} and {@code esdb.subscription.events{outcome=nacked,action=park}}.
 */
@Component
public class WithdrawalProcessor {

	private static final Logger logger = LoggerFactory.getLogger(WithdrawalProcessor.class);

	private final EsdbOperations esdb;

	WithdrawalProcessor(EsdbOperations esdb) {
		this.esdb = esdb;
	}

	@EventSubscription(id = "withdrawals", stream = "$all", group = "withdrawals", from = "start")
	void on(WithdrawalRequested request, EventContext context) {
		String stream = AccountEvents.stream(request.accountId());
		// Decide on the account's own events, not on the (eventually consistent) read model.
		long balance = this.esdb.fold(stream, 0L, (total, event) -> {
			if (event instanceof MoneyDeposited deposited) {
				return total + deposited.amount();
			}
			if (event instanceof MoneyWithdrawn withdrawn) {
				return total - withdrawn.amount();
			}
			return total;
		});
		if (request.amount() > balance) {
			throw NackException.park("Insufficient funds: " + request.amount() + " requested, " + balance
					+ " available on " + request.accountId());
		}
		this.esdb.append(stream, new MoneyWithdrawn(request.accountId(), request.requestId(), request.amount()));
		logger.info("Paid out {} from {} (request {}, delivery {})", request.amount(), request.accountId(),
				request.requestId(), context.retryCount());
	}

}
