package io.github.esdb.boot.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;

/**
 * Imports the starter's auto-configurations a test slice needs: the client, serialization, subscriptions, the
 * template, the subscription monitor and {@link SubscriptionAwaiter}; no web, no actuator. {@link EsdbTest} uses
 * it; add it to another slice to bring KurrentDB into it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
public @interface AutoConfigureEsdb {

}
