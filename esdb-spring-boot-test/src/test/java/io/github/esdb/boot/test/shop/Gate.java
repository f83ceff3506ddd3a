package io.github.esdb.boot.test.shop;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Component;

/**
 * Lets a test hold the order read model's handler, to see a wait that cannot finish.
 */
@Component
public class Gate {

	private volatile CountDownLatch latch = new CountDownLatch(0);

	public void close() {
		this.latch = new CountDownLatch(1);
	}

	public void open() {
		this.latch.countDown();
	}

	void pass() {
		try {
			this.latch.await(60, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
