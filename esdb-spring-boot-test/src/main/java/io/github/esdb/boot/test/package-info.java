/**
 * Test support for applications that use the KurrentDB starter: {@link io.github.esdb.boot.test.AutoConfigureEmbeddedEsdb}
 * (a fresh embedded server per test context), the {@link io.github.esdb.boot.test.EsdbTest} slice,
 * {@link io.github.esdb.boot.test.SubscriptionAwaiter} to wait for subscriptions instead of polling read models, and
 * {@link io.github.esdb.boot.test.EmbeddedEsdbExtension} for tests without Spring.
 */
@NullMarked
package io.github.esdb.boot.test;

import org.jspecify.annotations.NullMarked;
