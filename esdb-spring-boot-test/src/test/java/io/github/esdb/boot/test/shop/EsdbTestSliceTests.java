package io.github.esdb.boot.test.shop;

import io.kurrent.dbclient.KurrentDBClientSettings;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.web.context.WebApplicationContext;

import io.github.esdb.boot.test.EsdbTest;
import io.github.esdb.boot.test.SubscriptionAwaiter;
import io.github.esdb.core.EsdbOperations;
import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.subscription.SubscriptionRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link EsdbTest}: the starter, a fresh embedded server (whatever the connection string says) and the components
 * with subscriptions; not the other components, no web layer.
 */
@EsdbTest(properties = "esdb.connection-string=kurrentdb://db.invalid:2113?tls=false")
@Import(Gate.class)
class EsdbTestSliceTests {

	@Autowired
	private ApplicationContext context;

	@Test
	void holdsTheSubscriptionsAndTheStarterButNotTheOtherComponents() {
		assertThat(this.context.getBeansOfType(OrderTotals.class)).hasSize(1);
		assertThat(this.context.getBeansOfType(Invoicing.class)).hasSize(1);
		assertThat(this.context.getBeansOfType(InvoiceLedger.class)).hasSize(1);
		assertThat(this.context.getBeansOfType(AuditTrail.class)).hasSize(1);
		assertThat(this.context.getBeansOfType(Storefront.class)).isEmpty();
		assertThat(this.context.getBean(SubscriptionRegistry.class).ids())
			.containsExactlyInAnyOrder("order-totals", "invoicing", "invoice-ledger", "audit-trail");
		assertThat(this.context.getBeansOfType(EsdbOperations.class)).hasSize(1);
		assertThat(this.context.getBeansOfType(SubscriptionAwaiter.class)).hasSize(1);
		assertThat(this.context).isNotInstanceOf(WebApplicationContext.class);
	}

	@Test
	void theClientTalksToTheEmbeddedServerOfThisContext() {
		EmbeddedEsdbServer server = this.context.getBean(EmbeddedEsdbServer.class);
		KurrentDBClientSettings settings = this.context.getBean(KurrentDBClientSettings.class);
		assertThat(settings.getHosts()).singleElement()
			.satisfies((host) -> assertThat(host.getPort()).isEqualTo(server.port()));
		assertThat(this.context.getBeansOfType(EmbeddedEsdbServer.class)).hasSize(1);
	}

}
