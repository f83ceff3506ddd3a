package io.github.esdb.testcontainers;

import java.time.Duration;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * A single insecure KurrentDB node in a container, for tests against the real server. Use it with
 * {@code @ServiceConnection} and the starter connects to it.
 */
public class KurrentDBContainer extends GenericContainer<KurrentDBContainer> {

	/** The image the starter is tested against. */
	public static final DockerImageName DEFAULT_IMAGE = DockerImageName.parse("kurrentplatform/kurrentdb:25.1");

	/** The node's gRPC and HTTP port inside the container. */
	public static final int PORT = 2113;

	/**
	 * Create a container from the default image.
	 */
	public KurrentDBContainer() {
		this(DEFAULT_IMAGE);
	}

	/**
	 * Create a container from an image, such as a newer KurrentDB or an {@code eventstore/eventstore} image.
	 * @param image the image
	 */
	public KurrentDBContainer(DockerImageName image) {
		super(image);
		withExposedPorts(PORT);
		// An insecure node: no TLS and no authentication, like the embedded server's default.
		withEnv("KURRENTDB_INSECURE", "true");
		withEnv("EVENTSTORE_INSECURE", "true");
		withEnv("KURRENTDB_RUN_PROJECTIONS", "All");
		withEnv("EVENTSTORE_RUN_PROJECTIONS", "All");
		withEnv("KURRENTDB_MEM_DB", "true");
		withEnv("EVENTSTORE_MEM_DB", "true");
		waitingFor(Wait.forHttp("/health/live").forPort(PORT).withStartupTimeout(Duration.ofMinutes(2)));
	}

	/**
	 * The connection string for this node, as seen from the test.
	 * @return for example {@code kurrentdb://localhost:49153?tls=false}
	 */
	public String getConnectionString() {
		return "kurrentdb://" + getHost() + ":" + getMappedPort(PORT) + "?tls=false";
	}

}
