package io.github.esdb.sample.account;

import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;

import io.github.esdb.core.AppendResult;
import io.github.esdb.core.EsdbOperations;
import io.github.esdb.sample.account.AccountBalances.Balance;
import io.github.esdb.sample.account.AccountEvents.AccountOpened;
import io.github.esdb.sample.account.AccountEvents.MoneyDeposited;
import io.github.esdb.sample.account.AccountEvents.WithdrawalRequested;
import io.github.esdb.subscription.SubscriptionRegistry;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Writes account events and reads the balances read model. Opening an account and paying in read their own writes:
 * they answer once the read model has the event ({@link SubscriptionRegistry#awaitPosition}), so a GET right after
 * sees it; should the read model take longer than {@code sample.read-your-writes-timeout} (2s), they answer 202
 * Accepted. Withdrawals are decided asynchronously by the {@link WithdrawalProcessor}: 202 Accepted.
 */
@RestController
@RequestMapping("/accounts")
class AccountController {

	private final EsdbOperations esdb;

	private final AccountBalances balances;

	private final SubscriptionRegistry subscriptions;

	private final Duration readYourWrites;

	/**
	 * Create the controller.
	 * @param esdb writes the events
	 * @param balances the read model
	 * @param subscriptions tells when the read model has a write
	 * @param readYourWrites how long a write waits for the read model before answering 202 Accepted
	 */
	AccountController(EsdbOperations esdb, AccountBalances balances, SubscriptionRegistry subscriptions,
			@Value("${sample.read-your-writes-timeout:2s}") Duration readYourWrites) {
		this.esdb = esdb;
		this.balances = balances;
		this.subscriptions = subscriptions;
		this.readYourWrites = readYourWrites;
	}

	private boolean readModelHas(AppendResult result) {
		return this.subscriptions.awaitPosition(AccountBalances.ID, result, this.readYourWrites);
	}

	record OpenAccount(String owner) {
	}

	record Amount(long amount) {
	}

	@PostMapping
	ResponseEntity<Map<String, String>> open(@RequestBody OpenAccount request) {
		String id = UUID.randomUUID().toString().substring(0, 8);
		AppendResult opened = this.esdb.append(AccountEvents.stream(id), new AccountOpened(id, request.owner()));
		Map<String, String> body = Map.of("accountId", id);
		return readModelHas(opened) ? ResponseEntity.created(URI.create("/accounts/" + id)).body(body)
				: ResponseEntity.accepted().location(URI.create("/accounts/" + id)).body(body);
	}

	@PostMapping("/{id}/deposits")
	ResponseEntity<Balance> deposit(@PathVariable String id, @RequestBody Amount request) {
		if (request.amount() <= 0) {
			return ResponseEntity.badRequest().build();
		}
		AppendResult deposited = this.esdb.append(AccountEvents.stream(id), new MoneyDeposited(id, request.amount()));
		if (readModelHas(deposited)) {
			return ResponseEntity.of(this.balances.find(id));
		}
		return ResponseEntity.accepted().build();
	}

	@PostMapping("/{id}/withdrawals")
	ResponseEntity<Map<String, String>> withdraw(@PathVariable String id, @RequestBody Amount request) {
		if (request.amount() <= 0) {
			return ResponseEntity.badRequest().build();
		}
		String requestId = UUID.randomUUID().toString();
		this.esdb.append(AccountEvents.stream(id), new WithdrawalRequested(id, requestId, request.amount()));
		return ResponseEntity.accepted().body(Map.of("requestId", requestId));
	}

	@GetMapping("/{id}")
	ResponseEntity<Balance> balance(@PathVariable String id) {
		return ResponseEntity.of(this.balances.find(id));
	}

	@GetMapping
	Collection<Balance> all() {
		return this.balances.all().values();
	}

}
