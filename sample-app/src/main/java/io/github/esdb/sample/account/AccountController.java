package io.github.esdb.sample.account;

import java.net.URI;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;

import io.github.esdb.core.EsdbOperations;
import io.github.esdb.sample.account.AccountBalances.Balance;
import io.github.esdb.sample.account.AccountEvents.AccountOpened;
import io.github.esdb.sample.account.AccountEvents.MoneyDeposited;
import io.github.esdb.sample.account.AccountEvents.WithdrawalRequested;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Writes account events and reads the balances read model. Writes answer 202 Accepted: the read model catches up
 * asynchronously.
 */
@RestController
@RequestMapping("/accounts")
class AccountController {

	private final EsdbOperations esdb;

	private final AccountBalances balances;

	AccountController(EsdbOperations esdb, AccountBalances balances) {
		this.esdb = esdb;
		this.balances = balances;
	}

	record OpenAccount(String owner) {
	}

	record Amount(long amount) {
	}

	@PostMapping
	ResponseEntity<Map<String, String>> open(@RequestBody OpenAccount request) {
		String id = UUID.randomUUID().toString().substring(0, 8);
		this.esdb.append(AccountEvents.stream(id), new AccountOpened(id, request.owner()));
		return ResponseEntity.created(URI.create("/accounts/" + id)).body(Map.of("accountId", id));
	}

	@PostMapping("/{id}/deposits")
	ResponseEntity<Void> deposit(@PathVariable String id, @RequestBody Amount request) {
		if (request.amount() <= 0) {
			return ResponseEntity.badRequest().build();
		}
		this.esdb.append(AccountEvents.stream(id), new MoneyDeposited(id, request.amount()));
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
