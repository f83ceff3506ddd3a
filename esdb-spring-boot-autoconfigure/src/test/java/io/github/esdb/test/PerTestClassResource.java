package io.github.esdb.test;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Something a test class starts before its first test and closes after its last, when registered as an extension in
 * a static field; each test class that registers one has its own, so classes never share its state:
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * static final EmbeddedServerSupport esdb = EmbeddedServerSupport.perTestClass();
 * </pre>
 */
public abstract class PerTestClassResource implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

	private volatile boolean started;

	/**
	 * Starts what the resource holds; called once, before the first test of the class (or by a constructor that
	 * starts it at once).
	 */
	protected abstract void start();

	@Override
	public final void beforeAll(ExtensionContext context) {
		start();
		this.started = true;
	}

	@Override
	public final void afterAll(ExtensionContext context) throws Exception {
		if (this.started) {
			close();
		}
	}

}
