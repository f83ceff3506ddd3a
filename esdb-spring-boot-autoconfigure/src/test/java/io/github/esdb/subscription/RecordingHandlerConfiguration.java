package io.github.esdb.subscription;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * A catch-up subscription {@code ${test.id}} to {@code ${test.stream}} that records every {@link OrderPlaced}, with
 * the recorders tests read; shared by the tests that only need such a subscription.
 */
@Configuration(proxyBeanMethods = false)
@Import(RecordersConfiguration.class)
class RecordingHandlerConfiguration {

	@Bean
	RecordingHandler recordingHandler(Recorder recorder) {
		return new RecordingHandler(recorder);
	}

	static class RecordingHandler {

		private final Recorder recorder;

		RecordingHandler(Recorder recorder) {
			this.recorder = recorder;
		}

		@EventSubscription(id = "${test.id}", stream = "${test.stream}")
		void on(OrderPlaced event, EventContext context) {
			this.recorder.record(event, context);
		}

	}

}
