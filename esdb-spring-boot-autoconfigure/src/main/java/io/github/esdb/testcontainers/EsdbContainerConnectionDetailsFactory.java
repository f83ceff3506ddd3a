package io.github.esdb.testcontainers;

import java.util.List;

import io.github.esdb.autoconfigure.EsdbConnectionDetails;
import org.testcontainers.containers.Container;

import org.springframework.boot.testcontainers.service.connection.ContainerConnectionDetailsFactory;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;

/**
 * {@link EsdbConnectionDetails} for a {@code @ServiceConnection} container running KurrentDB or EventStoreDB. The
 * container must run an insecure node (as {@link KurrentDBContainer} does) on port 2113.
 */
class EsdbContainerConnectionDetailsFactory
		extends ContainerConnectionDetailsFactory<Container<?>, EsdbConnectionDetails> {

	EsdbContainerConnectionDetailsFactory() {
		super(List.of("kurrentplatform/kurrentdb", "kurrent-latest/kurrentdb", "kurrent-lts/kurrentdb",
				"eventstore/eventstore"), "io.github.esdb.autoconfigure.EsdbConnectionDetails");
	}

	@Override
	protected EsdbConnectionDetails getContainerConnectionDetails(ContainerConnectionSource<Container<?>> source) {
		return new ContainerEsdbConnectionDetails(source);
	}

	private static final class ContainerEsdbConnectionDetails extends ContainerConnectionDetails<Container<?>>
			implements EsdbConnectionDetails {

		private ContainerEsdbConnectionDetails(ContainerConnectionSource<Container<?>> source) {
			super(source);
		}

		@Override
		public String getConnectionString() {
			Container<?> container = getContainer();
			return "kurrentdb://" + container.getHost() + ":" + container.getMappedPort(KurrentDBContainer.PORT)
					+ "?tls=false";
		}

	}

}
