package io.github.esdb.core;

import java.math.BigDecimal;
import java.util.UUID;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.core.DocumentationExamples.OrderService;
import io.github.esdb.core.TestEvents.ItemAdded;
import io.github.esdb.core.TestEvents.OrderEvent;
import io.github.esdb.core.TestEvents.OrderPlaced;
import io.github.esdb.core.TestEvents.OrderShipped;
import io.github.esdb.core.TestEvents.OrderTotal;
import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.autoconfigure.serialization.EsdbSerializationAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import io.github.esdb.autoconfigure.template.EsdbTemplateAutoConfiguration;

/**
 * Runs the examples of {@code docs/template.md}, so the documentation shows code that works.
 */
class DocumentationExamplesTests {

	@Test
	void theDocumentedExamplesWork() {
		try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().build().start()) {
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(EsdbAutoConfiguration.class,
						EsdbSerializationAutoConfiguration.class, EsdbTemplateAutoConfiguration.class))
				.withPropertyValues("esdb.connection-string=" + server.connectionString())
				.withBean(OrderService.class)
				.run((context) -> {
					EsdbOperations esdb = context.getBean(EsdbOperations.class);
					OrderService orders = context.getBean(OrderService.class);
					String a = UUID.randomUUID().toString();
					String b = UUID.randomUUID().toString();

					orders.place(a, "alice");
					assertThatThrownBy(() -> orders.place(a, "alice"))
						.isInstanceOf(EsdbWrongExpectedVersionException.class);
					orders.addItem(a, new ItemAdded("sku", 2, new BigDecimal("5")));
					assertThat(orders.total(a)).isEqualTo(new OrderTotal("alice", 2, new BigDecimal("10"), false));

					assertThat(DocumentationExamples.exists(esdb, "order-" + a)).isTrue();
					assertThat(DocumentationExamples.exists(esdb, "order-" + b)).isFalse();
					assertThat(DocumentationExamples.whoCausedTheFirstEvent(esdb, "order-" + a))
						.isEqualTo("nobody: it started the chain");

					orders.place(b, "bob");
					MultiStreamAppendResult moved = DocumentationExamples.transfer(esdb, a, b,
							new ItemAdded("sku", 1, new BigDecimal("5")));
					assertThat(moved.revisions()).containsEntry("order-" + a, 2L).containsEntry("order-" + b, 1L);

					AppendResult shipped = DocumentationExamples.shipWithMetadata(esdb, a, "request-1");
					assertThat(esdb.readEvent("order-" + a, shipped.nextExpectedRevision(), OrderShipped.class)
						.metadata()).containsEntry("$correlationId", "request-1").containsEntry("user", "alice");
					assertThat(DocumentationExamples.lastTwoEvents(esdb, "order-" + a)).containsExactly(
							new OrderShipped("dhl"), new ItemAdded("sku", -1, new BigDecimal("5")));
					assertThatThrownBy(() -> orders.addItem(a, new ItemAdded("late", 1, BigDecimal.ONE)))
						.hasMessageContaining("already shipped");

					EsdbStreamMetadata kept = DocumentationExamples.keepAWeek(esdb, "order-" + b);
					assertThat(kept.maxAge()).isEqualTo(java.time.Duration.ofDays(7));
					assertThat(kept.maxCount()).isEqualTo(10_000);
					assertThat(kept.custom()).containsEntry("owner", "billing");
					assertThat(esdb.readStream("order-" + b, OrderEvent.class)).extracting(StoredEvent::payload)
						.containsExactly(new OrderPlaced(b, "bob"), new ItemAdded("sku", 1, new BigDecimal("5")));
					assertThat(esdb).isInstanceOf(EsdbTemplate.class);
				});
		}
	}

}
