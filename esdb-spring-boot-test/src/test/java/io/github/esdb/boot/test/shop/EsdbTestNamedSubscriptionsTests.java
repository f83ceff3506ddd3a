package io.github.esdb.boot.test.shop;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import io.github.esdb.boot.test.EsdbTest;
import io.github.esdb.boot.test.SubscriptionAwaiter;
import io.github.esdb.core.AppendResult;
import io.github.esdb.core.EsdbOperations;
import io.github.esdb.boot.test.shop.ShopEvents.AuditNote;
import io.github.esdb.subscription.SubscriptionRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @EsdbTest(AuditTrail.class)}: only the named component joins the context.
 */
@EsdbTest(AuditTrail.class)
class EsdbTestNamedSubscriptionsTests {

	@Autowired
	private ApplicationContext context;

	@Autowired
	private EsdbOperations esdb;

	@Autowired
	private SubscriptionAwaiter subscriptions;

	@Autowired
	private AuditTrail audit;

	@Test
	void onlyTheNamedSubscriptionRuns() {
		assertThat(this.context.getBean(SubscriptionRegistry.class).ids()).containsExactly("audit-trail");
		assertThat(this.context.getBeansOfType(OrderTotals.class)).isEmpty();
		AppendResult note = this.esdb.append(AuditTrail.STREAM, new AuditNote("named"));
		this.subscriptions.awaitProcessed(note);
		assertThat(this.audit.notes()).contains("named");
	}

}
