package io.github.esdb.subscription;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.esdb.test.OfflineContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code @ResetHandler} that cannot work fails start-up with a message that names the bean, the method and a correct
 * example. No server is needed: validation happens before anything connects.
 */
class ResetHandlerValidationTests {

	private final ApplicationContextRunner runner = OfflineContextRunner.withSubscriptions();

	private void assertStartupFails(Class<?> configuration, String problem, String action) {
		this.runner.withUserConfiguration(configuration).run((context) -> {
			InvalidSubscriptionException failure = InvalidSubscriptionStartup.failure(context);
			assertThat(failure.getProblem()).contains(problem);
			assertThat(failure.getAction()).contains(action);
		});
	}

	@Test
	void aParameterOfAnotherType() {
		assertStartupFails(BadParameter.class,
				"bean 'badParameter' method 'clear' is annotated @ResetHandler, but its parameter 2 (Integer) is "
						+ "neither a String nor a StartPosition",
				"@ResetHandler void clear()");
	}

	@Test
	void aSecondParameterOfOneType() {
		assertStartupFails(TwoIds.class,
				"bean 'twoIds' method 'clear' is annotated @ResetHandler, but its parameter 2 (String) is a second one "
						+ "of its type",
				"the subscription id (String) and/or the reset target (StartPosition)");
	}

	@Test
	void aSubscriptionThatIsNotTheBeans() {
		assertStartupFails(OtherId.class,
				"bean 'otherId' method 'clear': @ResetHandler names subscription 'payments', which is not one of the "
						+ "bean's [orders-view]",
				"@ResetHandler(\"orders-view\")");
	}

	@Test
	void aBeanWithoutSubscriptions() {
		assertStartupFails(NoSubscription.class,
				"bean 'noSubscription' method 'clear' is annotated @ResetHandler, but the bean holds no "
						+ "@EventSubscription",
				"put the method on the bean");
	}

	@Test
	void theAcceptedSignaturesStart() {
		this.runner.withUserConfiguration(Accepted.class).run((context) -> assertThat(context).hasNotFailed());
	}

	@Configuration(proxyBeanMethods = false)
	static class BadParameter {

		@Bean
		BadParameterBean badParameter() {
			return new BadParameterBean();
		}

	}

	static class BadParameterBean {

		@EventSubscription(id = "orders-view", stream = "orders", autoStartup = "false")
		void on(OrderPlaced event) {
		}

		@ResetHandler
		void clear(String id, Integer count) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoIds {

		@Bean
		TwoIdsBean twoIds() {
			return new TwoIdsBean();
		}

	}

	static class TwoIdsBean {

		@EventSubscription(id = "orders-view", stream = "orders", autoStartup = "false")
		void on(OrderPlaced event) {
		}

		@ResetHandler
		void clear(String id, String again) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OtherId {

		@Bean
		OtherIdBean otherId() {
			return new OtherIdBean();
		}

	}

	static class OtherIdBean {

		@EventSubscription(id = "orders-view", stream = "orders", autoStartup = "false")
		void on(OrderPlaced event) {
		}

		@ResetHandler("payments")
		void clear() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NoSubscription {

		@Bean
		NoSubscriptionBean noSubscription() {
			return new NoSubscriptionBean();
		}

	}

	static class NoSubscriptionBean {

		@ResetHandler
		void clear() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Accepted {

		@Bean
		AcceptedBean accepted() {
			return new AcceptedBean();
		}

	}

	static class AcceptedBean {

		@EventSubscription(id = "orders-view", stream = "orders", autoStartup = "false")
		void on(OrderPlaced event) {
		}

		@ResetHandler
		int clear() {
			return 0;
		}

		@ResetHandler(subscriptions = "orders-view")
		void clear(StartPosition to, String id) {
		}

	}

}
