package io.github.esdb.boot.test.shop;

import io.kurrent.dbclient.KurrentDBClientSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import io.github.esdb.boot.test.AutoConfigureEmbeddedEsdb;
import io.github.esdb.boot.test.SubscriptionAwaiter;
import io.github.esdb.boot.test.shop.ShopEvents.OrderPlaced;
import io.github.esdb.core.AppendResult;
import io.github.esdb.core.EsdbOperations;
import io.github.esdb.embedded.EmbeddedEsdbServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AutoConfigureEmbeddedEsdb} on a whole application: the configured connection string is replaced by a fresh
 * embedded server, and {@code EmbeddedEsdbServer.reset()} clears it between tests while the application's
 * subscriptions carry on.
 */
@SpringBootTest(classes = ShopApplication.class,
		properties = "esdb.connection-string=kurrentdb://db.invalid:2113?tls=false")
@AutoConfigureEmbeddedEsdb
class AutoConfigureEmbeddedEsdbTests {

	@Autowired
	private EmbeddedEsdbServer server;

	@Autowired
	private KurrentDBClientSettings settings;

	@Autowired
	private EsdbOperations esdb;

	@Autowired
	private SubscriptionAwaiter subscriptions;

	@Autowired
	private OrderTotals totals;

	@Autowired
	private InvoiceLedger ledger;

	@BeforeEach
	void clear() {
		this.server.reset();
	}

	@Test
	void theApplicationRunsOnTheEmbeddedServerWhateverItsConnectionStringSays() {
		assertThat(this.settings.getHosts()).singleElement()
			.satisfies((host) -> assertThat(host.getPort()).isEqualTo(this.server.port()));
		AppendResult placed = this.esdb.append("order-1", new OrderPlaced("1", 10));
		this.subscriptions.awaitProcessed(placed);
		assertThat(this.totals.total("1")).isEqualTo(10);
	}

	@Test
	void eachTestStartsFromAnEmptyServerAndTheSubscriptionsCarryOn() {
		// The same stream as the other test: it is new again after the reset.
		assertThat(this.esdb.currentRevision("order-1")).isEmpty();
		this.esdb.append("order-1", new OrderPlaced("1", 20));
		this.subscriptions.awaitCaughtUp();
		assertThat(this.totals.total("1")).isEqualTo(20);
		assertThat(this.ledger.invoiced("1")).isEqualTo(20);
	}

}
