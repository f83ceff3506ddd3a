package io.github.esdb.boot.test.shop;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import io.github.esdb.boot.test.shop.ShopEvents.OrderPlaced;
import io.github.esdb.subscription.EventHandler;
import io.github.esdb.subscription.EventSubscription;

/**
 * A read model: the amount of every order. The server sends it OrderPlaced events only.
 */
@Component
@EventSubscription(id = "order-totals", stream = "$all")
public class OrderTotals {

	private final Map<String, Long> totals = new ConcurrentHashMap<>();

	private final Gate gate;

	OrderTotals(Gate gate) {
		this.gate = gate;
	}

	@EventHandler
	void on(OrderPlaced placed) {
		this.gate.pass();
		this.totals.put(placed.orderId(), placed.amount());
	}

	public Long total(String orderId) {
		return this.totals.get(orderId);
	}

}
