package io.github.esdb.core;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.esdb.autoconfigure.EsdbAutoConfiguration;
import io.github.esdb.core.TestEvents.ItemAdded;
import io.github.esdb.core.TestEvents.OrderEvent;
import io.github.esdb.core.TestEvents.OrderPlaced;
import io.github.esdb.core.TestEvents.OrderShipped;
import io.github.esdb.embedded.EmbeddedEsdbServer;
import io.github.esdb.autoconfigure.serialization.EsdbSerializationAutoConfiguration;
import io.github.esdb.serialization.EventSerializer;
import io.github.esdb.event.CurrentEvent;
import io.github.esdb.event.EventEnvelope;
import io.github.esdb.event.EventEnvelopeFactory;
import io.kurrent.dbclient.CreatePersistentSubscriptionToStreamOptions;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.kurrent.dbclient.NackAction;
import io.kurrent.dbclient.PersistentSubscription;
import io.kurrent.dbclient.PersistentSubscriptionListener;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamState;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import io.github.esdb.autoconfigure.template.EsdbTemplateAutoConfiguration;

/**
 * The idempotent handler path end to end through a real persistent subscription on the embedded server: the handler
 * appends, fails before its ack, the server redelivers, the handler appends again, and the target stream holds each
 * event once.
 * <p>
 * The listener below does what the starter's subscription container does around a handler (build the
 * {@link EventEnvelope}, call it through {@link CurrentEvent#callWith}, ack or nack), written against the plain client
 * so that this test does not depend on the container.
 */
class HandlerRedeliveryIntegrationTests {

	@Test
	void aHandlerThatFailsBeforeItsAckAppendsEachEventOnceAcrossTheRedelivery() {
		try (EmbeddedEsdbServer server = EmbeddedEsdbServer.builder().build().start()) {
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(EsdbAutoConfiguration.class,
						EsdbSerializationAutoConfiguration.class, EsdbTemplateAutoConfiguration.class))
				.withPropertyValues("esdb.connection-string=" + server.connectionString())
				.withBean(CurrentEvent.class, CurrentEvent::new)
				.run((context) -> {
					EsdbTemplate template = context.getBean(EsdbTemplate.class);
					CurrentEvent currentEvent = context.getBean(CurrentEvent.class);
					EventSerializer serializer = context.getBean(EventSerializer.class);
					KurrentDBPersistentSubscriptionsClient subscriptions = context
						.getBean(KurrentDBPersistentSubscriptionsClient.class);
					String orders = "order-" + UUID.randomUUID();
					String shipments = "shipment-" + UUID.randomUUID();
					subscriptions
						.createToStream(orders, "shipping", CreatePersistentSubscriptionToStreamOptions.get().fromStart())
						.get(10, TimeUnit.SECONDS);
					template.append(orders, new OrderPlaced("o-1", "alice"));

					List<Integer> deliveries = new CopyOnWriteArrayList<>();
					List<Throwable> unexpected = new CopyOnWriteArrayList<>();
					CountDownLatch acked = new CountDownLatch(1);
					PersistentSubscription subscription = subscriptions
						.subscribeToStream(orders, "shipping", new PersistentSubscriptionListener() {

							@Override
							public void onEvent(PersistentSubscription sub, int retryCount, ResolvedEvent resolved) {
								deliveries.add(retryCount);
								RecordedEvent event = resolved.getOriginalEvent();
								EventEnvelope handled = new EventEnvelopeFactory(serializer).create(event,
										event.getPosition());
								try {
									currentEvent.callWith(handled, () -> {
										template.append(shipments, StreamState.noStream(),
												List.of(new ItemAdded("pick", 1, BigDecimal.ONE), new OrderShipped("dhl")));
										if (retryCount == 0) {
											throw new IllegalStateException("crashed before the ack");
										}
										return null;
									});
									sub.ack(resolved);
									acked.countDown();
								}
								catch (IllegalStateException ex) {
									sub.nack(NackAction.Retry, ex.getMessage(), resolved);
								}
								catch (Exception ex) {
									unexpected.add(ex);
									sub.nack(NackAction.Park, String.valueOf(ex), resolved);
								}
							}

						})
						.get(10, TimeUnit.SECONDS);
					try {
						assertThat(acked.await(20, TimeUnit.SECONDS)).as("the redelivery was acked").isTrue();
					}
					finally {
						subscription.stop();
					}

					assertThat(unexpected).isEmpty();
					assertThat(deliveries).containsExactly(0, 1);
					EventEnvelope source = template.readStream(orders, OrderEvent.class).get(0).context();
					List<StoredEvent<OrderEvent>> shipped = template.readStream(shipments, OrderEvent.class);
					assertThat(shipped).extracting(StoredEvent::payload)
						.containsExactly(new ItemAdded("pick", 1, BigDecimal.ONE), new OrderShipped("dhl"));
					assertThat(shipped).extracting(StoredEvent::eventId)
						.containsExactly(EventIds.derived(source.eventId(), shipments, 0),
								EventIds.derived(source.eventId(), shipments, 1));
					assertThat(shipped).allSatisfy((e) -> {
						assertThat(e.context().causationId()).hasValue(source.eventId().toString());
						assertThat(e.context().correlationId()).isEqualTo(source.correlationId());
					});
				});
		}
	}

}
