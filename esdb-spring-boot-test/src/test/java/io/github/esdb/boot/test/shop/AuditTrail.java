package io.github.esdb.boot.test.shop;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.stereotype.Component;

import io.github.esdb.boot.test.shop.ShopEvents.AuditNote;
import io.github.esdb.subscription.EventSubscription;

/**
 * A subscription to one stream.
 */
@Component
public class AuditTrail {

	/** The audited stream. */
	public static final String STREAM = "shop-audit";

	private final List<String> notes = new CopyOnWriteArrayList<>();

	@EventSubscription(id = "audit-trail", stream = STREAM)
	void on(AuditNote note) {
		this.notes.add(note.text());
	}

	public List<String> notes() {
		return List.copyOf(this.notes);
	}

}
