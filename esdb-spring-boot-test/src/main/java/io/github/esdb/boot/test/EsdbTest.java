package io.github.esdb.boot.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.autoconfigure.OverrideAutoConfiguration;
import org.springframework.boot.test.autoconfigure.json.AutoConfigureJson;
import org.springframework.boot.test.context.filter.annotation.TypeExcludeFilters;
import org.springframework.context.annotation.ComponentScan.Filter;
import org.springframework.core.annotation.AliasFor;
import org.springframework.test.context.BootstrapWith;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * A test slice for subscriptions and event-sourced code: the starter's auto-configurations ({@link AutoConfigureEsdb}:
 * client, serialization, subscriptions, template, {@link SubscriptionAwaiter}) and Jackson, a fresh embedded server
 * ({@link AutoConfigureEmbeddedEsdb}), and of the application's components only those with
 * {@code @EventSubscription} (on the class or a method), or only the ones named in {@link #value()}. No web layer,
 * no actuator.
 *
 * <pre class="code">
 * &#64;EsdbTest(AccountBalances.class)
 * class AccountBalancesTests {
 *
 *     &#64;Autowired EsdbOperations esdb;
 *     &#64;Autowired SubscriptionAwaiter subscriptions;
 *     &#64;Autowired AccountBalances balances;
 *
 *     &#64;Test
 *     void depositsAddUp() {
 *         esdb.append("account-1", new AccountOpened("1", "Ada"));
 *         AppendResult deposit = esdb.append("account-1", new MoneyDeposited("1", 100));
 *         subscriptions.awaitProcessed(deposit);
 *         assertThat(balances.find("1")).hasValueSatisfying((b) -&gt; assertThat(b.balance()).isEqualTo(100));
 *     }
 *
 * }
 * </pre>
 *
 * Other beans a subscription needs come in with {@code @Import}, {@link #includeFilters()} or
 * {@code @MockitoBean}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@BootstrapWith(EsdbTestContextBootstrapper.class)
@ExtendWith(SpringExtension.class)
@OverrideAutoConfiguration(enabled = false)
@TypeExcludeFilters(EsdbTypeExcludeFilter.class)
@AutoConfigureJson
@AutoConfigureEsdb
@AutoConfigureEmbeddedEsdb
@ImportAutoConfiguration
public @interface EsdbTest {

	/**
	 * Properties in {@code key=value} form added to the environment before the test runs.
	 * @return the properties
	 */
	String[] properties() default {};

	/**
	 * The components to include, such as the classes with {@code @EventSubscription}; empty for every component
	 * that declares a subscription.
	 * @return the components to include
	 */
	@AliasFor("subscriptions")
	Class<?>[] value() default {};

	/**
	 * Alias of {@link #value()}.
	 * @return the components to include
	 */
	@AliasFor("value")
	Class<?>[] subscriptions() default {};

	/**
	 * Whether the default filtering (components with subscriptions, or those named in {@link #value()}) applies.
	 * @return true to use the default filters
	 */
	boolean useDefaultFilters() default true;

	/**
	 * More components to add to the context.
	 * @return include filters
	 */
	Filter[] includeFilters() default {};

	/**
	 * Components to leave out of the context.
	 * @return exclude filters
	 */
	Filter[] excludeFilters() default {};

	/**
	 * Auto-configurations to leave out of this slice.
	 * @return the auto-configurations to exclude
	 */
	@AliasFor(annotation = ImportAutoConfiguration.class, attribute = "exclude")
	Class<?>[] excludeAutoConfiguration() default {};

}
