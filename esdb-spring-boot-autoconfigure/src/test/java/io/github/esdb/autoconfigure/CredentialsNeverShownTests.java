package io.github.esdb.autoconfigure;

import java.util.List;

import io.github.esdb.autoconfigure.embedded.EmbeddedEsdbProperties;
import io.github.esdb.autoconfigure.health.EsdbHealthContributorAutoConfiguration;
import io.github.esdb.autoconfigure.health.EsdbHealthIndicator;
import io.github.esdb.test.Secret;
import io.kurrent.dbclient.KurrentDBClientSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Passwords, whatever characters they hold, never show in start-up failures (the failure analysis and every message
 * of the exception chain), in the log (Spring's WARN about the failed refresh included), in {@code toString()} or in
 * health details.
 */
@ExtendWith(OutputCaptureExtension.class)
class CredentialsNeverShownTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EsdbAutoConfiguration.class));

	@ParameterizedTest(name = "password with {0}")
	@MethodSource("io.github.esdb.test.Secret#all")
	void unknownSchemeIsReportedWithoutThePassword(Secret secret, CapturedOutput output) {
		this.runner.withPropertyValues("esdb.connection-string=bogus://admin:" + secret.password() + "@db.example.com:2113")
			.run((context) -> {
				FailureAnalysis analysis = assertFailedWithoutShowing(secret, context, output);
				assertThat(analysis.getDescription()).contains("esdb.connection-string")
					.contains("'bogus://******@db.example.com:2113'");
			});
		secret.assertAbsentFrom("log", output.getAll());
	}

	@ParameterizedTest(name = "password with {0}")
	@MethodSource("io.github.esdb.test.Secret#all")
	void parserFailureIsReportedWithoutThePassword(Secret secret, CapturedOutput output) {
		this.runner
			.withPropertyValues(
					"esdb.connection-string=kurrentdb://admin:" + secret.password() + "@db.example.com:2113?tls=maybe")
			.run((context) -> {
				FailureAnalysis analysis = assertFailedWithoutShowing(secret, context, output);
				assertThat(analysis.getDescription()).contains("esdb.connection-string")
					.contains("'kurrentdb://******@db.example.com:2113?tls=maybe'");
				if (Secret.PARSABLE.contains(secret)) {
					assertThat(analysis.getDescription()).contains("'tls' value");
				}
				else {
					assertThat(analysis.getDescription()).contains("percent-encoded");
					assertThat(analysis.getAction()).contains("%40").contains("esdb.password");
				}
			});
		secret.assertAbsentFrom("log", output.getAll());
	}

	@ParameterizedTest(name = "password with {0}")
	@MethodSource("io.github.esdb.test.Secret#all")
	void unencodedCharactersInThePasswordAreReportedWithoutIt(Secret secret, CapturedOutput output) {
		this.runner
			.withPropertyValues(
					"esdb.connection-string=kurrentdb://admin:" + secret.password() + "@db.example.com:2113?tls=false")
			.run((context) -> {
				if (Secret.PARSABLE.contains(secret)) {
					assertThat(context).hasNotFailed();
					return;
				}
				// Raw / ? # @ % make the client misread the string (a host named after part of the password, a
				// "setting" logged as unknown) or fail with a message quoting part of it.
				FailureAnalysis analysis = assertFailedWithoutShowing(secret, context, output);
				assertThat(analysis.getDescription())
					.contains("'kurrentdb://******@db.example.com:2113?tls=false'")
					.contains("percent-encoded");
			});
		secret.assertAbsentFrom("log", output.getAll());
	}

	@Test
	void theIssuesExampleIsReportedWithoutThePassword(CapturedOutput output) {
		this.runner.withPropertyValues("esdb.connection-string=kurrentdb://user:p@ss/w?rd#x@host:2113?tls=false")
			.run((context) -> {
				FailureAnalysis analysis = new InvalidEsdbConfigurationFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("'kurrentdb://******@host:2113?tls=false'")
					.contains("percent-encoded");
				for (String text : new String[] { analysis.getDescription(), analysis.getAction(),
						context.getStartupFailure().toString(), output.getAll() }) {
					assertThat(text).doesNotContain("p@ss").doesNotContain("ss/w").doesNotContain("rd#x");
				}
			});
	}

	@ParameterizedTest(name = "password with {0}")
	@MethodSource("io.github.esdb.test.Secret#parsable")
	void aWorkingConnectionStringShowsThePasswordNowhere(Secret secret, CapturedOutput output) {
		this.runner.withConfiguration(AutoConfigurations.of(EsdbHealthContributorAutoConfiguration.class))
			.withPropertyValues("esdb.connection-string=kurrentdb://admin:" + secret.password() + "@127.0.0.1:1?tls=false",
					"esdb.health.timeout=1s", "esdb.max-discover-attempts=1", "esdb.shutdown-timeout=1s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(KurrentDBClientSettings.class).getDefaultCredentials()).isNotNull();
				String properties = context.getBean(EsdbProperties.class).toString();
				String details = context.getBean(EsdbConnectionDetails.class).toString();
				assertThat(properties).contains("kurrentdb://******@127.0.0.1:1?tls=false");
				assertThat(details).contains("kurrentdb://******@127.0.0.1:1?tls=false");
				Health health = context.getBean(EsdbHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails()).containsEntry("endpoint", "127.0.0.1:1");
				secret.assertAbsentFrom("toString and health", properties, details, health.toString());
			});
		secret.assertAbsentFrom("log", output.getAll());
	}

	@ParameterizedTest(name = "password with {0}")
	@MethodSource("io.github.esdb.test.Secret#all")
	void toStringsHideThePassword(Secret secret) {
		EsdbProperties properties = new EsdbProperties();
		properties.setConnectionString("kurrentdb://admin:" + secret.password() + "@db.example.com:2113?tls=false");
		properties.setUsername("ops");
		properties.setPassword(secret.password());
		String details = new PropertiesEsdbConnectionDetails(properties).toString();
		assertThat(properties.toString()).contains("kurrentdb://******@db.example.com:2113?tls=false")
			.contains("password=******");
		assertThat(details).contains("kurrentdb://******@db.example.com:2113?tls=false").contains("password=******");
		EsdbProperties hosts = new EsdbProperties();
		hosts.setHosts(List.of("admin:" + secret.password() + "@db:2113"));
		hosts.setPassword(secret.password());
		EmbeddedEsdbProperties embedded = new EmbeddedEsdbProperties();
		embedded.setUsers(List.of("admin:" + secret.password(), "ops:" + secret.password() + "\n" + secret.password()));
		assertThat(embedded.toString()).contains("admin:******");
		secret.assertAbsentFrom("toString", properties.toString(), details, hosts.toString(),
				new PropertiesEsdbConnectionDetails(hosts).toString(), embedded.toString());
	}

	@ParameterizedTest(name = "password with {0}")
	@MethodSource("io.github.esdb.test.Secret#all")
	void passwordPropertyNeverReachesAFailure(Secret secret, CapturedOutput output) {
		this.runner.withPropertyValues("esdb.password=" + secret.password())
			.run((context) -> assertThat(assertFailedWithoutShowing(secret, context, output).getDescription())
				.contains("esdb.username"));
		this.runner
			.withPropertyValues("esdb.connection-string=kurrentdb://db:2113", "esdb.hosts=other:2113",
					"esdb.username=admin", "esdb.password=" + secret.password())
			.run((context) -> assertThat(assertFailedWithoutShowing(secret, context, output).getDescription())
				.contains("esdb.hosts"));
		this.runner
			.withPropertyValues("esdb.connection-string=bogus://db:2113", "esdb.username=admin",
					"esdb.password=" + secret.password())
			.run((context) -> assertThat(assertFailedWithoutShowing(secret, context, output).getDescription())
				.contains("Unknown URL scheme"));
		secret.assertAbsentFrom("log", output.getAll());
	}

	@ParameterizedTest(name = "password with {0}")
	@MethodSource("io.github.esdb.test.Secret#all")
	void hostEntryWithCredentialsIsReportedWithoutThem(Secret secret, CapturedOutput output) {
		this.runner.withPropertyValues("esdb.hosts=admin:" + secret.password() + "@db.example.com:2113")
			.run((context) -> assertThat(assertFailedWithoutShowing(secret, context, output).getDescription())
				.contains("esdb.hosts")
				.contains("'******@db.example.com:2113'"));
		secret.assertAbsentFrom("log", output.getAll());
	}

	private static FailureAnalysis assertFailedWithoutShowing(Secret secret, AssertableApplicationContext context,
			CapturedOutput output) {
		Throwable failure = context.getStartupFailure();
		assertThat(failure).as("start-up failure").isNotNull();
		FailureAnalysis analysis = new InvalidEsdbConfigurationFailureAnalyzer().analyze(failure);
		assertThat(analysis).as("failure analysis of " + failure).isNotNull();
		secret.assertAbsentFrom("failure analysis", analysis.getDescription(), analysis.getAction());
		secret.assertAbsentFromMessages(failure);
		// Spring logs the failed refresh as a WARN with the whole exception chain's messages.
		assertThat(output.getAll()).contains("Exception encountered during context initialization");
		secret.assertAbsentFrom("log", output.getAll());
		return analysis;
	}

}
