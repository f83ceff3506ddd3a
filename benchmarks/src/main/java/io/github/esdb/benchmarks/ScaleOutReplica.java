package io.github.esdb.benchmarks;

import java.io.IOException;
import java.io.InputStream;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * One application replica of the scale-out scenario: a Spring Boot application with the starter's
 * auto-configuration, a {@code DataSource} from {@code spring.datasource.*} and one coordinated catch-up handler
 * ({@link ScaleOutHandler}). {@link ScaleOutScenario} starts it as a JVM of its own with {@code --name=value}
 * properties and kills it with SIGKILL.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(ScaleOutHandler.class)
public class ScaleOutReplica {

	/** The line the scenario waits for before it counts a replica as started. */
	static final String READY = "[scaleout] replica started: ";

	/**
	 * Start the replica; it runs until its JVM is stopped or the scenario that started it is gone.
	 * @param args Spring Boot properties as {@code --name=value}
	 */
	public static void main(String[] args) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ScaleOutReplica.class)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.run(args);
		System.out.println(READY + context.getEnvironment().getProperty("esdb.subscriptions.coordination.instance-id"));
		exitWhenTheScenarioIsGone();
	}

	/**
	 * The scenario keeps our standard input open; it closes when the scenario's JVM ends, even by SIGKILL. Exiting
	 * then (gracefully, through the shutdown hook) keeps an interrupted run from leaving replicas behind. The thread
	 * is not a daemon: it is what keeps this JVM running, as the subscription's threads are daemons.
	 */
	private static void exitWhenTheScenarioIsGone() {
		Thread watchdog = new Thread(() -> {
			try (InputStream in = System.in) {
				while (in.read() >= 0) {
					// The scenario writes nothing; we only wait for the end of the stream.
				}
			}
			catch (IOException ex) {
				// A broken pipe means the same: the scenario is gone.
			}
			System.exit(0);
		}, "scaleout-parent-watchdog");
		watchdog.start();
	}

}
