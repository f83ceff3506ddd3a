package io.github.esdb.boot.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;

/**
 * Runs the test's application context against a fresh in-memory embedded KurrentDB server on a free port, whatever
 * the application configures ({@code esdb.connection-string}, {@code esdb.hosts}, a Testcontainers or Docker
 * Compose service connection): like {@code @AutoConfigureTestDatabase} for SQL. The server starts with the context
 * and stops when the context is closed.
 * <p>
 * Spring's test context cache keeps a context, and so its server and the events in it, for every later test class
 * with the same configuration: those tests share the server. Give each test its own stream names, clear the server
 * with {@code EmbeddedEsdbServer.reset()} (inject the {@code EmbeddedEsdbServer} bean), or use
 * {@code @DirtiesContext} for a fresh context and server.
 *
 * @see EsdbTest
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
public @interface AutoConfigureEmbeddedEsdb {

}
