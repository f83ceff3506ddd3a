package io.github.esdb.boot.test.shop;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import io.github.esdb.boot.test.EsdbTest;
import io.github.esdb.boot.test.SubscriptionAwaiter;
import io.github.esdb.boot.test.shop.ShopEvents.AuditNote;
import io.github.esdb.boot.test.shop.ShopEvents.InvoiceIssued;
import io.github.esdb.boot.test.shop.ShopEvents.OrderPlaced;
import io.github.esdb.boot.test.shop.ShopEvents.OrderShipped;
import io.github.esdb.core.AppendResult;
import io.github.esdb.core.EsdbOperations;
import io.github.esdb.subscription.SubscriptionRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link SubscriptionAwaiter}: a test asserts on read models right after a wait, without polling them.
 */
@EsdbTest
@Import(Gate.class)
class SubscriptionAwaiterTests {

	@Autowired
	private EsdbOperations esdb;

	@Autowired
	private SubscriptionAwaiter subscriptions;

	@Autowired
	private SubscriptionRegistry registry;

	@Autowired
	private OrderTotals totals;

	@Autowired
	private InvoiceLedger ledger;

	@Autowired
	private AuditTrail audit;

	@Autowired
	private Gate gate;

	private static String unique() {
		return UUID.randomUUID().toString().substring(0, 8);
	}

	@Test
	void awaitProcessedReturnsOnceEverySubscriptionThatReceivesTheAppendHasHandledIt() {
		String order = unique();
		AppendResult placed = this.esdb.append("order-" + order, new OrderPlaced(order, 42));
		this.subscriptions.awaitProcessed(placed);
		assertThat(this.totals.total(order)).isEqualTo(42);
		// The persistent reaction handled it too: its invoice is written.
		assertThat(this.esdb.readStream("invoice-" + order, InvoiceIssued.class)).hasSize(1);

		// Nobody receives OrderShipped: nothing to wait for.
		this.subscriptions.awaitProcessed(this.esdb.append("order-" + order, new OrderShipped(order)));

		AppendResult note = this.esdb.append(AuditTrail.STREAM, new AuditNote(order));
		this.subscriptions.awaitProcessed(note);
		assertThat(this.audit.notes()).contains(order);
	}

	@Test
	void awaitCaughtUpAlsoWaitsForWhatHandlersAppend() {
		String order = unique();
		this.esdb.append("order-" + order, new OrderPlaced(order, 7));
		// Invoicing (persistent) appends InvoiceIssued, which the ledger (catch-up) then handles.
		this.subscriptions.awaitCaughtUp();
		assertThat(this.totals.total(order)).isEqualTo(7);
		assertThat(this.ledger.invoiced(order)).isEqualTo(7);
	}

	@Test
	void awaitCaughtUpByName() {
		String order = unique();
		this.esdb.append("order-" + order, new OrderPlaced(order, 3));
		this.subscriptions.awaitCaughtUp("order-totals");
		assertThat(this.totals.total(order)).isEqualTo(3);
	}

	@Test
	void aWaitThatTimesOutFailsAndSaysWhereTheSubscriptionIs() {
		String order = unique();
		this.gate.close();
		try {
			AppendResult placed = this.esdb.append("order-" + order, new OrderPlaced(order, 1));
			assertThatExceptionOfType(AssertionError.class)
				.isThrownBy(() -> this.subscriptions.awaitProcessed(placed, Duration.ofMillis(500)))
				.withMessageContaining("Subscription 'order-totals' did not process the append to 'order-" + order
						+ "' (revision 0, position C:")
				.withMessageContaining("within PT0.5S: state LIVE");
			assertThatExceptionOfType(AssertionError.class)
				.isThrownBy(() -> this.subscriptions.awaitCaughtUp(Duration.ofMillis(500), "order-totals"))
				.withMessageContaining("Subscription 'order-totals' did not catch up with event 0@order-" + order
						+ " (OrderPlaced, C:");
		}
		finally {
			this.gate.open();
		}
		this.subscriptions.awaitCaughtUp("order-totals");
		assertThat(this.totals.total(order)).isEqualTo(1);
	}

	@Test
	void aStoppedSubscriptionIsPassedOverUnlessItIsNamed() {
		String text = unique();
		this.registry.stop("audit-trail");
		try {
			AppendResult note = this.esdb.append(AuditTrail.STREAM, new AuditNote(text));
			this.subscriptions.awaitProcessed(note, Duration.ofSeconds(5));
			this.subscriptions.awaitCaughtUp(Duration.ofSeconds(10));
			assertThatExceptionOfType(AssertionError.class)
				.isThrownBy(() -> this.subscriptions.awaitCaughtUp("audit-trail"))
				.withMessageContaining("Subscription 'audit-trail' is stopped");
		}
		finally {
			this.registry.start("audit-trail");
		}
		this.subscriptions.awaitCaughtUp("audit-trail");
		assertThat(this.audit.notes()).contains(text);
	}

	@Test
	void anUnknownIdIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.subscriptions.awaitCaughtUp("no-such-subscription"))
			.withMessageContaining("No subscription with id 'no-such-subscription'");
	}

}
