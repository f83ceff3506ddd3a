package io.github.esdb.autoconfigure;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.kurrent.dbclient.KurrentDBClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;

/**
 * Shuts the auto-configured client down when the context closes, waiting a bounded time. Without the bound, closing
 * an application whose database accepts connections but does not answer would wait for the client's whole discovery
 * loop, since Spring waits for a destroy method's returned future.
 */
class EsdbClientShutdown implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(EsdbClientShutdown.class);

	private final KurrentDBClient client;

	private final Duration timeout;

	EsdbClientShutdown(KurrentDBClient client, Duration timeout) {
		this.client = client;
		this.timeout = timeout;
	}

	@Override
	public void destroy() throws InterruptedException {
		try {
			this.client.shutdown().get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			logger.warn("The KurrentDB client did not close its connection within {} (esdb.shutdown-timeout); "
					+ "it goes on closing in the background", this.timeout);
		}
		catch (ExecutionException ex) {
			logger.warn("The KurrentDB client failed to shut down cleanly", ex.getCause());
		}
	}

}
