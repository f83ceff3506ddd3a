package io.github.esdb.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged sample: {@code java -jar sample-app/target/sample-app-<version>.jar} starts (on the embedded server,
 * as nothing is configured) and serves requests. Runs after {@code package}, in {@code verify}.
 */
class SampleApplicationJarIT {

	private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");

	@Test
	void theRepackagedJarRuns() throws Exception {
		Path jar = Path.of(System.getProperty("sample.jar", "target/sample-app-0.1.0-SNAPSHOT.jar"));
		assertThat(jar).exists();
		Path log = Files.createTempFile("sample-app-jar", ".log");
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process process = new ProcessBuilder(List.of(java, "-jar", jar.toString(), "--server.port=0",
				"--spring.main.banner-mode=off"))
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		try {
			await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> {
				assertThat(process.isAlive()).as("the application is running; its log:%n%s", read(log)).isTrue();
				return PORT.matcher(read(log)).find() && read(log).contains("Started SampleApplication");
			});
			Matcher port = PORT.matcher(read(log));
			assertThat(port.find()).isTrue();
			HttpClient http = HttpClient.newHttpClient();
			URI base = URI.create("http://localhost:" + port.group(1));
			// UP once the read model has caught up (the readiness check is part of the health).
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
				HttpResponse<String> health = http.send(
						HttpRequest.newBuilder(base.resolve("/actuator/health")).build(),
						HttpResponse.BodyHandlers.ofString());
				assertThat(health.statusCode()).isEqualTo(200);
				assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"embedded\":true");
			});
			HttpResponse<String> opened = http.send(HttpRequest.newBuilder(base.resolve("/accounts"))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"owner\":\"Ada\"}"))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(opened.statusCode()).isEqualTo(201);
			assertThat(read(log)).contains("Started the embedded in-memory KurrentDB server");
		}
		finally {
			process.destroy();
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
			Files.deleteIfExists(log);
		}
	}

	private static String read(Path log) throws IOException {
		return Files.readString(log);
	}

}
