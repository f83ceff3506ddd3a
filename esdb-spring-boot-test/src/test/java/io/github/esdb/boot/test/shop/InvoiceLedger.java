package io.github.esdb.boot.test.shop;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import io.github.esdb.boot.test.shop.ShopEvents.InvoiceIssued;
import io.github.esdb.subscription.EventSubscription;

/**
 * A read model of what invoicing wrote: it only changes after the persistent reaction has handled an order.
 */
@Component
public class InvoiceLedger {

	private final Map<String, Long> invoiced = new ConcurrentHashMap<>();

	@EventSubscription(id = "invoice-ledger", stream = "$all")
	void on(InvoiceIssued issued) {
		this.invoiced.put(issued.orderId(), issued.amount());
	}

	public Long invoiced(String orderId) {
		return this.invoiced.get(orderId);
	}

}
