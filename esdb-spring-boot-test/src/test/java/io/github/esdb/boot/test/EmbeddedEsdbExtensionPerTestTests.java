package io.github.esdb.boot.test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link EmbeddedEsdbExtension} on an instance field: a server of its own for every test.
 */
class EmbeddedEsdbExtensionPerTestTests {

	private static final Set<Integer> ports = ConcurrentHashMap.newKeySet();

	@RegisterExtension
	final EmbeddedEsdbExtension esdb = new EmbeddedEsdbExtension();

	@Test
	void aServerOfItsOwn() throws Exception {
		ports.add(this.esdb.server().port());
		EmbeddedEsdbExtensionTests.appendToANewStream(this.esdb.client(), "orders-2");
	}

	@Test
	void anotherServerOfItsOwn() throws Exception {
		ports.add(this.esdb.server().port());
		EmbeddedEsdbExtensionTests.appendToANewStream(this.esdb.client(), "orders-2");
	}

	@AfterAll
	static void eachTestHadItsOwnServer() {
		assertThat(ports).hasSize(2);
	}

}
