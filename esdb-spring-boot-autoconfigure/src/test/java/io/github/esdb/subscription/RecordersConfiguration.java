package io.github.esdb.subscription;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The recorders tests read what handlers received and which subscription events were published from; imported by
 * the configurations of test handlers, or registered next to a handler class.
 */
@Configuration(proxyBeanMethods = false)
class RecordersConfiguration {

	@Bean
	Recorder recorder() {
		return new Recorder();
	}

	@Bean
	SubscriptionEventsRecorder subscriptionEventsRecorder() {
		return new SubscriptionEventsRecorder();
	}

}
