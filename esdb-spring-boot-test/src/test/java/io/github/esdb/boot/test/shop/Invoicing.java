package io.github.esdb.boot.test.shop;

import org.springframework.stereotype.Component;

import io.github.esdb.boot.test.shop.ShopEvents.InvoiceIssued;
import io.github.esdb.boot.test.shop.ShopEvents.OrderPlaced;
import io.github.esdb.core.EsdbOperations;
import io.github.esdb.subscription.EventSubscription;

/**
 * A reaction through a persistent subscription: every order gets an invoice, in a stream of its own.
 */
@Component
public class Invoicing {

	private final EsdbOperations esdb;

	Invoicing(EsdbOperations esdb) {
		this.esdb = esdb;
	}

	@EventSubscription(id = "invoicing", stream = "$all", group = "invoicing", from = "start")
	void on(OrderPlaced placed) {
		this.esdb.append("invoice-" + placed.orderId(), new InvoiceIssued(placed.orderId(), placed.amount()));
	}

}
